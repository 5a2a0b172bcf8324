using System.Text.Json;

namespace Airwave.Analytics.Counting;

/// <summary>
/// Writes a <see cref="CountingResult"/> as the analytics issue specifies (camelCase):
/// <c>{"window", "episodes": {id: {"downloads", "listeners"}}, "totals": {"downloads", "listeners"}, "dropped": {reason: n}}</c>,
/// episodes in the order of EPISODES.json, every drop reason listed. With the breakdown, "apps", "devices" and "os"
/// (downloads each, most first) follow.
/// </summary>
internal static class CountingJson
{
    public static void Write(Stream output, CountingResult result, bool breakdown)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("window", CountingSettings.WindowName(result.Window));
        json.WriteStartObject("episodes");
        foreach (var episode in result.Episodes)
        {
            json.WriteStartObject(episode.Id);
            json.WriteNumber("downloads", episode.Downloads);
            json.WriteNumber("listeners", episode.Listeners);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartObject("totals");
        json.WriteNumber("downloads", result.Downloads);
        json.WriteNumber("listeners", result.Listeners);
        json.WriteEndObject();
        json.WriteStartObject("dropped");
        foreach (var (reason, count) in result.Dropped.OrderBy(d => d.Key))
        {
            json.WriteNumber(CountingSettings.ReasonName(reason), count);
        }

        json.WriteEndObject();
        if (breakdown)
        {
            WriteCounts(json, "apps", result.Apps);
            WriteCounts(json, "devices", result.Devices);
            WriteCounts(json, "os", result.OperatingSystems);
        }

        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, long> counts)
    {
        json.WriteStartObject(name);
        foreach (var (key, count) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(key, count);
        }

        json.WriteEndObject();
    }
}
