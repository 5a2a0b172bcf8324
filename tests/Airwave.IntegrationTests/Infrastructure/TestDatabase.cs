using Npgsql;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>A fresh, empty database for one test fixture, removed afterwards.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract ValueTask DisposeAsync();

    public static async Task<TestDatabase> CreateAsync(string provider) => provider switch
    {
        "sqlite" => new SqliteTestDatabase(),
        "postgres" => await PostgresTestDatabase.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airwave-sqlite-").FullName;

    public override string Provider => "sqlite";

    public override string ConnectionString => $"Data Source={Path.Combine(_directory, "airwave.db")}";

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A database of its own on the PostgreSQL server named by AIRWAVE_TEST_POSTGRES (./airwave test starts one and
/// sets it). Without it these tests fail rather than skip, so a green run always means both databases were tested.
/// </summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string EnvironmentVariable = "AIRWAVE_TEST_POSTGRES";
    private readonly string _admin;
    private readonly string _name;

    private PostgresTestDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public override string Provider => "postgres";

    public override string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with ./airwave test, which starts PostgreSQL and sets it.");
        }

        var name = $"airwave_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresTestDatabase(admin, name, builder.ConnectionString);
    }

    /// <summary>
    /// Drops the database. Housekeeping only: PostgreSQL can refuse a drop now and then while it is busy (a process
    /// it must terminate, a concurrent CREATE DATABASE), so the drop is retried, and a database that still cannot be
    /// dropped is reported and left behind rather than failing the tests that used it.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_admin);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException error) when (attempt < 5)
            {
                Console.Error.WriteLine($"Dropping test database {_name} (attempt {attempt}): {error.SqlState} {error.MessageText}");
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (PostgresException error)
            {
                Console.Error.WriteLine($"Test database {_name} left behind: {error.SqlState} {error.MessageText}");
                return;
            }
        }
    }
}
