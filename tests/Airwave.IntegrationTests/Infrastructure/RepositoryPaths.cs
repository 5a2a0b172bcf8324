namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>Finds files of the repository the tests were built from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The server executable built alongside these tests (same configuration).</summary>
    public static string ServerDll
    {
        get
        {
            // …/tests/Airwave.IntegrationTests/bin/<Configuration>/net10.0/
            var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
            return Path.Combine(Root, "src", "Airwave.Server", "bin", configuration, "net10.0", "airwave.dll");
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Airwave.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Airwave.slnx not found above " + AppContext.BaseDirectory);
    }
}
