using System.Globalization;
using System.Text;
using System.Text.Json;
using Airwave.Bench.Analytics;

// analytics-log-generator --lines N --out DIR [--seed S]: DIR/episodes.json and DIR/requests.jsonl, the same bytes for
// the same arguments on every machine (own PRNG, invariant formatting).
var lines = 5_000_000L;
var output = "";
ulong seed = 42;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--lines" when i + 1 < args.Length:
            lines = long.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case "--seed" when i + 1 < args.Length:
            seed = ulong.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine("usage: analytics-log-generator --lines N --out DIR [--seed S]");
            return 2;
    }
}

if (output.Length == 0 || lines < 1)
{
    Console.Error.WriteLine("usage: analytics-log-generator --lines N --out DIR [--seed S]");
    return 2;
}

Directory.CreateDirectory(output);
var world = new World(seed);
await File.WriteAllTextAsync(Path.Combine(output, "episodes.json"), JsonSerializer.Serialize(world.EpisodeList(),
    new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }) + "\n", Encoding.UTF8);
var summary = world.WriteLog(Path.Combine(output, "requests.jsonl"), lines);
Console.Error.WriteLine(summary);
return 0;
