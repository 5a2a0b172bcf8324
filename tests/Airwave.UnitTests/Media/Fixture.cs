namespace Airwave.UnitTests.Media;

/// <summary>Output recorded from the real tools (see Fixtures/record.sh), copied next to the test assembly.</summary>
internal static class Fixture
{
    public static string Text(string path) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Media", "Fixtures", path));

    public static string[] Lines(string path) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Media", "Fixtures", path));
}
