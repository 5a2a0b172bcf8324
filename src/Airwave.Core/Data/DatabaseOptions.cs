namespace Airwave.Core.Data;

/// <summary>Which database Airwave uses; bound from the <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string. Empty with SQLite means <c>{DataDirectory}/airwave.db</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations when the server starts (embedded mode). Scale-out runs <c>airwave migrate</c>.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
