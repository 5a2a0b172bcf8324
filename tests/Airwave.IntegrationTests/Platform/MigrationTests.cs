using Airwave.Core.Data;
using Airwave.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airwave.IntegrationTests.Platform;

public sealed class MigrationTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_TwiceAndConcurrently_AppliesEachMigrationOnce(string provider)
    {
        await using var testDatabase = await TestDatabase.CreateAsync(provider);
        var database = new Database(SqlDialect.FromProvider(provider), testDatabase.ConnectionString);
        var available = Migrator.Available(database.Dialect);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None)));
        results.Sum().ShouldBe(available.Count);

        var migrator = new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance);
        (await migrator.MigrateAsync(CancellationToken.None)).ShouldBe(0);
        var status = await migrator.GetStatusAsync(CancellationToken.None);
        status.IsCurrent.ShouldBeTrue();
        status.Applied.ShouldBe(available.Select(m => m.Version));

        await using var connection = await database.OpenAsync(CancellationToken.None);
        (await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations")).ShouldBe(available.Count);
    }

    [Fact]
    public void Available_BothDialects_SameVersionsAndNames()
    {
        var sqlite = Migrator.Available(SqlDialect.Sqlite).Select(m => (m.Version, m.Name));
        var postgres = Migrator.Available(SqlDialect.Postgres).Select(m => (m.Version, m.Name));
        sqlite.ShouldBe(postgres);
        sqlite.ShouldNotBeEmpty();
    }
}
