using System.Globalization;
using System.Net;
using System.Text;
using Airwave.Analytics;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Counting.UserAgents;
using Airwave.Analytics.Geography;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// The hand-written MaxMind DB reader against databases written by MaxMind's Perl writer, cross-checked with
/// libmaxminddb's mmdblookup; a corrupt file stops the start naming the setting; counted downloads carry the place.
/// </summary>
public sealed class GeographyTests
{
    private static readonly GeoNetwork[] Places =
    [
        new("203.0.113.0/24", "DE", "Bavaria", "Munich"),
        new("198.51.100.128/25", "FR", "Île-de-France", "Paris"),
        new("192.0.2.0/24", "JP", null, null),
        new("2001:db8:1::/48", "NZ", "Wellington", "Wellington"),
        new("2001:db8:2:3::/64", "BR", "São Paulo", "São Paulo"),
    ];

    [Theory]
    [InlineData(24)]
    [InlineData(28)]
    [InlineData(32)]
    public void Finds_country_region_and_city_for_IPv4_and_IPv6_at_every_record_size(int recordSize)
    {
        var file = GeoTestDatabase.Write(Places, recordSize: recordSize);
        var database = MaxMindDatabase.Open(file);

        Lookup(database, "203.0.113.77").ShouldBe(new GeoLocation("DE", "Bavaria", "Munich"));
        Lookup(database, "198.51.100.200").ShouldBe(new GeoLocation("FR", "Île-de-France", "Paris"));
        Lookup(database, "198.51.100.5").ShouldBe(GeoLocation.Unknown); // the other half of the /24
        Lookup(database, "192.0.2.1").ShouldBe(new GeoLocation("JP", "unknown", "unknown"));
        Lookup(database, "2001:db8:1:ffff::1").ShouldBe(new GeoLocation("NZ", "Wellington", "Wellington"));
        Lookup(database, "2001:db8:2:3:abcd::9").ShouldBe(new GeoLocation("BR", "São Paulo", "São Paulo"));
        Lookup(database, "2001:db8:2:4::1").ShouldBe(GeoLocation.Unknown);
        Lookup(database, "8.8.8.8").ShouldBe(GeoLocation.Unknown);
        // An IPv4-mapped IPv6 address is the IPv4 address.
        Lookup(database, "::ffff:203.0.113.77").ShouldBe(new GeoLocation("DE", "Bavaria", "Munich"));
        database.IpVersion.ShouldBe(6);
        database.DatabaseType.ShouldBe("Airwave-Test-City");
    }

    [Fact]
    public void An_IPv4_database_knows_IPv4_addresses_and_nothing_of_IPv6()
    {
        var file = GeoTestDatabase.Write(Places.Where(p => !p.Network.Contains(':', StringComparison.Ordinal)), ipVersion: 4, recordSize: 24);
        var database = MaxMindDatabase.Open(file);

        database.IpVersion.ShouldBe(4);
        Lookup(database, "203.0.113.1").ShouldBe(new GeoLocation("DE", "Bavaria", "Munich"));
        Lookup(database, "2001:db8:1::1").ShouldBe(GeoLocation.Unknown);
    }

    [Fact]
    public void Agrees_with_mmdblookup_on_many_networks_and_addresses()
    {
        // A few hundred random networks of every prefix length give a tree with pointers of every size.
        var random = new Random(20261121);
        var networks = new List<GeoNetwork>();
        var seen = new HashSet<string>();
        for (var i = 0; i < 400; i++)
        {
            var v6 = i % 3 == 0;
            var bytes = new byte[v6 ? 16 : 4];
            random.NextBytes(bytes);
            if (v6)
            {
                bytes[0] = 0x2a; // global unicast, away from the IPv4 subtree
            }

            var prefix = v6 ? random.Next(20, 65) : random.Next(8, 33);
            var network = Masked(bytes, prefix) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
            if (!seen.Add(network))
            {
                continue;
            }

            var n = i.ToString(CultureInfo.InvariantCulture);
            networks.Add(new GeoNetwork(network, "C" + (char)('A' + i % 26), i % 4 == 0 ? null : "Region " + n, i % 5 == 0 ? null : "City " + n + " ü"));
        }

        var file = GeoTestDatabase.Write(networks);
        var database = MaxMindDatabase.Open(file);
        var checkedFound = 0;
        foreach (var (network, index) in networks.Select((n, i) => (n, i)))
        {
            // One address inside each network, and a random address (mostly not found).
            foreach (var ip in new[] { Inside(network.Network, random), RandomAddress(random, index % 3 == 0) })
            {
                var expected = new GeoLocation(
                    GeoTestDatabase.Lookup(file, ip, "country", "iso_code") ?? "unknown",
                    GeoTestDatabase.Lookup(file, ip, "subdivisions", "0", "names", "en") ?? "unknown",
                    GeoTestDatabase.Lookup(file, ip, "city", "names", "en") ?? "unknown");
                Lookup(database, ip).ShouldBe(expected, ip);
                checkedFound += expected.Country == "unknown" ? 0 : 1;
            }
        }

        checkedFound.ShouldBeGreaterThan(networks.Count - 1);
    }

    [Fact]
    public void A_corrupt_or_unreadable_file_stops_the_start_naming_the_setting()
    {
        var good = File.ReadAllBytes(GeoTestDatabase.Write(Places));
        var noise = Path.GetTempFileName();
        File.WriteAllBytes(noise, Encoding.ASCII.GetBytes(new string('x', 5000)));
        var truncated = Path.GetTempFileName();
        File.WriteAllBytes(truncated, good[(good.Length / 2)..]); // the metadata survives, the tree it describes does not
        var brokenSeparator = Path.GetTempFileName();
        var damaged = (byte[])good.Clone();
        var metadata = damaged.AsSpan().LastIndexOf("MaxMind.com"u8) - 3;
        Array.Fill(damaged, (byte)0xFF, 0, metadata); // the tree and data overwritten, the metadata intact
        File.WriteAllBytes(brokenSeparator, damaged);

        foreach (var (path, reason) in new[]
        {
            (noise, "marker is missing"),
            (truncated, "does not fit"),
            (brokenSeparator, "16 zero bytes"),
            ("/nonexistent/GeoLite2-City.mmdb", "nonexistent"),
        })
        {
            var options = new AnalyticsOptions { GeoDatabase = path };
            var error = Should.Throw<AnalyticsSetupException>(() => options.ToSettings());
            error.Message.ShouldStartWith("Analytics:GeoDatabase (" + path + "): ");
            error.Message.ShouldContain(reason);
        }
    }

    [Fact]
    public void Damaged_records_make_their_addresses_unknown_never_an_exception()
    {
        var good = File.ReadAllBytes(GeoTestDatabase.Write(Places));
        var metadata = good.AsSpan().LastIndexOf("MaxMind.com"u8) - 3;
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            // Damage the tree and data (not the metadata, which is checked at start), a few bytes at a time.
            var damaged = (byte[])good.Clone();
            for (var i = 0; i < 1 + round % 8; i++)
            {
                damaged[random.Next(metadata)] = (byte)random.Next(256);
            }

            var path = Path.Combine(Path.GetTempPath(), $"airwave-geo-damaged-{Guid.NewGuid():N}.mmdb");
            File.WriteAllBytes(path, damaged);
            try
            {
                MaxMindDatabase database;
                try
                {
                    database = MaxMindDatabase.Open(path);
                }
                catch (MaxMindDatabaseException)
                {
                    continue; // damage the start-up check sees (the separator) is a start-up error, as above
                }

                foreach (var ip in new[] { "203.0.113.77", "198.51.100.200", "192.0.2.1", "2001:db8:1::1", "2001:db8:2:3::9", "8.8.8.8", "::1" })
                {
                    Should.NotThrow(() => Lookup(database, ip), $"round {round}, {ip}");
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void Without_a_database_every_place_is_unknown_and_nothing_fails()
    {
        new AnalyticsOptions().ToSettings().Geo.ShouldBeNull();
        var downloads = CountWith(geo: null);
        downloads.ShouldHaveSingleItem().Place.ShouldBe(GeoLocation.Unknown);
    }

    [Fact]
    public void Counted_downloads_carry_the_listeners_place_looked_up_once_per_listener_and_period()
    {
        var file = GeoTestDatabase.Write(Places);
        var lookups = new CountingLookup(MaxMindDatabase.Open(file));
        var downloads = CountWith(lookups);

        downloads.Count.ShouldBe(1);
        downloads[0].Place.ShouldBe(new GeoLocation("DE", "Bavaria", "Munich"));
        lookups.Calls.ShouldBe(1); // three requests, one listener-period, one lookup
    }

    private static List<CountedDownload> CountWith(IGeoLookup? geo)
    {
        var downloads = new List<CountedDownload>();
        var episode = new EpisodeFile("ep1", ["https://media.example.com/ep1.mp3"], 57_700_000, 100_000, 3600);
        var settings = new CountingSettings
        {
            UserAgents = new UserAgentClassifier(),
            Keys = new ListenerKeys(Encoding.UTF8.GetBytes("geography-test-secret-0123"), KeyRotation.Day),
            Geo = geo,
        };
        using var counter = new DownloadCounter(new EpisodeCatalog([episode]), settings, onDownload: downloads.Add);
        var at = new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            counter.Add(new DownloadRequest("r" + i.ToString(CultureInfo.InvariantCulture), at.AddMinutes(i), "GET", 206, episode.Urls[0],
                "203.0.113.9", "AntennaPod/3.4", null, $"bytes={i * 600_000}-", i * 600_000L, 600_000));
        }

        counter.Finish();
        return downloads;
    }

    private static GeoLocation Lookup(MaxMindDatabase database, string ip)
    {
        IpAddresses.TryParse(Encoding.ASCII.GetBytes(ip), out var address).ShouldBeTrue(ip);
        return database.Lookup(address);
    }

    private static string Masked(byte[] bytes, int prefix)
    {
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes).ToString();
    }

    private static string Inside(string network, Random random)
    {
        var parts = network.Split('/');
        var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        var prefix = int.Parse(parts[1], CultureInfo.InvariantCulture);
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            if (random.Next(2) == 1)
            {
                bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
            }
        }

        return new IPAddress(bytes).ToString();
    }

    private static string RandomAddress(Random random, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        random.NextBytes(bytes);
        if (v6)
        {
            bytes[0] = 0x2a;
        }

        return new IPAddress(bytes).ToString();
    }

    private sealed class CountingLookup(IGeoLookup inner) : IGeoLookup
    {
        public int Calls { get; private set; }

        public GeoLocation Lookup(UInt128 address)
        {
            Calls++;
            return inner.Lookup(address);
        }
    }
}
