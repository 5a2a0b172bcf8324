using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Airwave.Core.Data;

/// <summary>
/// Opens connections to the configured database. Modules use Dapper on the connections it hands out;
/// write paths that change more than one row go through <see cref="InTransactionAsync{T}"/>.
/// </summary>
public sealed class Database
{
    private readonly string _connectionString;

    public Database(SqlDialect dialect, string connectionString)
    {
        Dialect = dialect;
        _connectionString = dialect == SqlDialect.Sqlite ? PrepareSqlite(connectionString) : connectionString;
        DapperSetup.EnsureConfigured();
    }

    public SqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = Dialect.CreateConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A synchronous open, only for framework interfaces that have no asynchronous form (the data-protection key
    /// repository); everything else uses <see cref="OpenAsync"/>.
    /// </summary>
    public DbConnection Open()
    {
        var connection = Dialect.CreateConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction that commits only if it returns normally.</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // SQLite: Microsoft.Data.Sqlite begins IMMEDIATE transactions, so writers queue instead of deadlocking.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static string PrepareSqlite(string connectionString)
    {
        SQLitePCL.Batteries.Init();
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return builder.ToString();
    }
}
