using System.Diagnostics;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>One network of a test geography database and the place it is in.</summary>
public sealed record GeoNetwork(string Network, string? Country, string? Region, string? City);

/// <summary>
/// Writes small MaxMind DB files with MaxMind's own Perl writer (Debian libmaxmind-db-writer-perl, tests/geo/write-mmdb.pl)
/// and reads them back with libmaxmindb's <c>mmdblookup</c> (Debian mmdb-bin), so Airwave's reader is compared with
/// files and answers it had no part in.
/// </summary>
public static class GeoTestDatabase
{
    public static string Write(IEnumerable<GeoNetwork> networks, int ipVersion = 6, int recordSize = 28)
    {
        var spec = new JsonObject
        {
            ["ip_version"] = ipVersion,
            ["record_size"] = recordSize,
            ["networks"] = new JsonArray([.. networks.Select(n => (JsonNode)new JsonObject
            {
                ["network"] = n.Network,
                ["data"] = Record(n),
            })]),
        };
        var path = Path.Combine(Path.GetTempPath(), $"airwave-geo-{Guid.NewGuid():N}.mmdb");
        Run("perl", [Path.Combine(RepositoryPaths.Root, "tests", "geo", "write-mmdb.pl"), path], spec.ToJsonString());
        return path;
    }

    /// <summary>What mmdblookup finds at a path of the record (e.g. country iso_code), null when nothing.</summary>
    public static string? Lookup(string database, string ip, params string[] path)
    {
        var (code, output) = Run("mmdblookup", ["--file", database, "--ip", ip, .. path], null, check: false);
        if (code != 0)
        {
            return null;
        }

        var start = output.IndexOf('"', StringComparison.Ordinal);
        var end = output.LastIndexOf('"');
        return start >= 0 && end > start ? output[(start + 1)..end] : null;
    }

    private static JsonObject Record(GeoNetwork network)
    {
        var record = new JsonObject();
        if (network.Country is not null)
        {
            record["country"] = new JsonObject { ["iso_code"] = network.Country, ["names"] = new JsonObject { ["en"] = network.Country + " land" } };
        }

        if (network.Region is not null)
        {
            record["subdivisions"] = new JsonArray(new JsonObject
            {
                ["iso_code"] = "R1",
                ["names"] = new JsonObject { ["en"] = network.Region, ["de"] = network.Region + " (de)" },
            }, new JsonObject { ["iso_code"] = "R2", ["names"] = new JsonObject { ["en"] = "Smaller " + network.Region } });
        }

        if (network.City is not null)
        {
            record["city"] = new JsonObject { ["geoname_id"] = 123456, ["names"] = new JsonObject { ["en"] = network.City, ["de"] = network.City + "-de" } };
        }

        record["location"] = new JsonObject { ["latitude"] = 48.137, ["longitude"] = 11.575, ["accuracy_radius"] = 50 };
        return record;
    }

    private static (int Code, string Output) Run(string program, string[] arguments, string? input, bool check = true)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {errors.Result}");
        }

        return (process.ExitCode, output);
    }
}
