using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Airwave.Core.Data;

/// <summary>
/// The few places where SQLite and PostgreSQL differ. Everything else is plain SQL that both accept,
/// so a module's queries are written once.
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect Postgres = new PostgresDialect();

    /// <summary>Folder name under db/ holding this dialect's migrations.</summary>
    public abstract string Name { get; }

    /// <summary>True when the exception is a violation of a unique index or primary key.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    internal abstract DbConnection CreateConnection(string connectionString);

    /// <summary>DDL of the table that records applied migrations.</summary>
    internal abstract string SchemaTableDdl { get; }

    /// <summary>Run once before migrating, outside any transaction.</summary>
    internal abstract string PrepareDatabaseSql { get; }

    /// <summary>Serialises migrators across processes; SQLite needs nothing beyond its write lock.</summary>
    internal abstract string? MigrationLockSql { get; }

    internal abstract string? MigrationUnlockSql { get; }

    /// <summary>
    /// "column is one of the values in array parameter @parameter": Dapper expands a list for SQLite, while Npgsql
    /// sends it as one array parameter.
    /// </summary>
    public abstract string AnyOf(string column, string parameter);

    /// <summary>
    /// Ids as the value for an <see cref="AnyOf"/> parameter. Dapper's type handlers do not reach the elements of a
    /// list, so SQLite gets the text form its id columns hold and PostgreSQL a uuid array.
    /// </summary>
    public abstract System.Collections.IEnumerable IdList(IEnumerable<Guid> ids);

    /// <summary>Appended to the sub-select that picks a job to claim, so concurrent workers skip each other's rows.</summary>
    public abstract string SkipLockedClause { get; }

    /// <summary>
    /// Appended to a SELECT that reads rows the transaction then rewrites from what it read, so a concurrent writer
    /// waits (PostgreSQL row locks); SQLite needs nothing, its transactions write one at a time.
    /// </summary>
    public abstract string LockRowsClause { get; }

    public static SqlDialect FromProvider(string provider) => provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => Sqlite,
        "postgres" or "postgresql" => Postgres,
        _ => throw new ArgumentException($"Unknown database provider '{provider}'; use 'sqlite' or 'postgres'.", nameof(provider)),
    };

    private sealed class SqliteDialect : SqlDialect
    {
        private const int SqliteConstraint = 19;
        private const int SqliteConstraintUnique = 2067;
        private const int SqliteConstraintPrimaryKey = 1555;

        public override string Name => "sqlite";

        public override bool IsUniqueViolation(Exception exception) =>
            exception is SqliteException { SqliteErrorCode: SqliteConstraint } e
            && e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;

        internal override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

        internal override string SchemaTableDdl =>
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

        // WAL lets readers run while one writer commits; the setting is stored in the file.
        internal override string PrepareDatabaseSql => "PRAGMA journal_mode=WAL";

        internal override string? MigrationLockSql => null;

        internal override string? MigrationUnlockSql => null;

        public override string AnyOf(string column, string parameter) => $"{column} IN @{parameter}";

        public override System.Collections.IEnumerable IdList(IEnumerable<Guid> ids) => ids.Select(id => id.ToString("D")).ToArray();

        // SQLite runs one writer at a time: the claiming UPDATE is atomic without row locks.
        public override string SkipLockedClause => "";

        public override string LockRowsClause => "";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Name => "postgres";

        public override bool IsUniqueViolation(Exception exception) =>
            exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

        internal override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

        internal override string SchemaTableDdl =>
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";

        internal override string PrepareDatabaseSql => "SELECT 1";

        // A constant key shared by every migrating process: "AIRWAVE" in ASCII, read as a big-endian integer.
        internal override string? MigrationLockSql => "SELECT pg_advisory_lock(18376491486238277)";

        internal override string? MigrationUnlockSql => "SELECT pg_advisory_unlock(18376491486238277)";

        public override string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

        public override string LockRowsClause => "FOR UPDATE";

        public override string AnyOf(string column, string parameter) => $"{column} = ANY(@{parameter})";

        public override System.Collections.IEnumerable IdList(IEnumerable<Guid> ids) => ids.ToArray();
    }
}
