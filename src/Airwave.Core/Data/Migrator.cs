using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Airwave.Core.Data;

/// <summary>One numbered SQL file under db/&lt;dialect&gt;/.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Where the schema stands: what is applied and what this build would apply.</summary>
public sealed record MigrationStatus(IReadOnlyList<int> Applied, IReadOnlyList<Migration> Pending)
{
    public bool IsCurrent => Pending.Count == 0;
}

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly, each in its own transaction, recording them in
/// <c>schema_migrations</c>. Safe to run from several processes at once: PostgreSQL takes an advisory lock and
/// SQLite's write lock serialises writers; each migration re-checks that it is still pending inside its transaction.
/// </summary>
public sealed partial class Migrator(Database database, TimeProvider clock, ILogger<Migrator> logger)
{
    public static IReadOnlyList<Migration> Available(SqlDialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"db/{dialect.Name}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_name.sql.");
            }

            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                ReadResource(assembly, resource)));
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    public async Task<MigrationStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(database.Dialect.SchemaTableDdl, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT version FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken))).ToList();
        var pending = Available(database.Dialect).Where(m => !applied.Contains(m.Version)).ToList();
        return new MigrationStatus(applied, pending);
    }

    /// <summary>Applies every pending migration; <paramref name="onApplied"/> hears of each one.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken, Action<Migration>? onApplied = null)
    {
        var dialect = database.Dialect;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(dialect.PrepareDatabaseSql, cancellationToken: cancellationToken));
        if (dialect.MigrationLockSql is { } lockSql)
        {
            await connection.ExecuteAsync(new CommandDefinition(lockSql, cancellationToken: cancellationToken));
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(dialect.SchemaTableDdl, cancellationToken: cancellationToken));
            var count = 0;
            foreach (var migration in Available(dialect))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var alreadyApplied = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
                    new { migration.Version }, transaction, cancellationToken: cancellationToken));
                if (alreadyApplied > 0)
                {
                    continue;
                }

                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                    new { migration.Version, migration.Name, AppliedAt = clock.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name} ({Dialect})", migration.Version, migration.Name, dialect.Name);
                onApplied?.Invoke(migration);
                count++;
            }

            return count;
        }
        finally
        {
            if (dialect.MigrationUnlockSql is { } unlockSql)
            {
                await connection.ExecuteAsync(new CommandDefinition(unlockSql, cancellationToken: CancellationToken.None));
            }
        }
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Missing embedded migration {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
