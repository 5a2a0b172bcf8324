using System.Net;
using System.Text.Json.Nodes;
using Airwave.Catalog.Import;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Airwave.IntegrationTests.Import;

/// <summary>
/// Imports of a local copy of a hosted show's feed, served with its audio and artwork by another web server on
/// loopback: every guid, date and note comes through, the audio goes through processing, re-running adds only what is
/// new, locked feeds need the owner's account, and bad input changes nothing.
/// </summary>
public abstract class ImportTests(ServerFixture server) : IAsyncLifetime
{
    private StaticSite _site = null!;
    private long _episode2Length;

    public async Task InitializeAsync()
    {
        _site = await StaticSite.StartAsync();
        var ep3 = await File.ReadAllBytesAsync(await TestMedia.AudioAsync("import-ep3.mp3", 3, 2, "-c:a libmp3lame -b:a 128k"));
        var ep2 = await File.ReadAllBytesAsync(await TestMedia.AudioAsync("import-ep2.mp3", 3, 1, "-c:a libmp3lame -b:a 64k"));
        var trailer = await File.ReadAllBytesAsync(await TestMedia.AudioAsync("import-trailer.m4a", 2, 2, "-c:a aac -b:a 96k"));
        _episode2Length = ep2.Length;
        _site.Put("/audio/ep3.mp3", ep3, "audio/mpeg");
        _site.Put("/audio/ep2.mp3", ep2, "audio/mpeg");
        _site.Put("/audio/trailer.m4a", trailer, "audio/mp4");
        _site.Put("/artwork/show-3000.png", await File.ReadAllBytesAsync(await TestMedia.PictureAsync("import-show.png", 1400, 1400)), "image/png");
        _site.Put("/artwork/ep3.png", await File.ReadAllBytesAsync(await TestMedia.PictureAsync("import-ep3.png", 1400, 1400)), "image/png");
        _site.Put("/transcripts/ep3.vtt", "WEBVTT\n\n00:00.000 --> 00:03.000\nHello\n", "text/vtt");
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private async Task<string> PutFeedAsync(string path, string owner, bool locked = false, string? lockOwner = null, Func<string, string>? edit = null)
    {
        var xml = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "tests/Airwave.IntegrationTests/Import/Fixtures/hosted-show.xml")))
            .Replace("{SITE}", _site.BaseAddress.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal)
            .Replace("{OWNER}", owner, StringComparison.Ordinal)
            .Replace("{LOCK_OWNER}", lockOwner ?? owner, StringComparison.Ordinal)
            .Replace("{LOCKED}", locked ? "yes" : "no", StringComparison.Ordinal)
            .Replace("{LEN3}", "1", StringComparison.Ordinal)
            .Replace("{LEN2}", _episode2Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{LEN1}", "0", StringComparison.Ordinal);
        _site.Put(path, edit is null ? xml : edit(xml), "application/rss+xml");
        return _site.Url(path);
    }

    private static async Task<JsonNode> WaitUntilFinishedAsync(TestUser owner, string importId)
    {
        for (var i = 0; i < 600; i++)
        {
            var status = await owner.Http.GetJsonAsync($"/api/v1/imports/{importId}");
            status.Status.ShouldBe(HttpStatusCode.OK);
            if (status.Body!["status"]!.GetValue<string>() == "finished")
            {
                return status.Body;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Import {importId} did not finish.");
    }

    private static async Task<JsonArray> EpisodesAsync(TestUser owner, string podcastId) =>
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes?limit=100")).Body!["items"]!.AsArray();

    [Fact]
    public async Task Import_HostedShow_KeepsEveryGuidDateAndNoteProcessesAudio_RerunAddsOnlyNew()
    {
        var owner = await server.SignUpAsync(displayName: "Rosa");
        var feedUrl = await PutFeedAsync("/feed.xml", owner.Email);

        var started = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = feedUrl });

        started.Status.ShouldBe(HttpStatusCode.Created, started.Body?.ToJsonString());
        var import = started.Body!;
        import["items_in_feed"]!.GetValue<int>().ShouldBe(3);
        import["items_new"]!.GetValue<int>().ShouldBe(3);
        import["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain(w => w.Contains("Blog: our new studio") && w.Contains("no enclosure"));
        var podcastId = import["podcast_id"]!.GetValue<string>();

        var podcast = (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!;
        podcast["title"]!.GetValue<string>().ShouldBe("The Garden Hour & Friends");
        podcast["status"]!.GetValue<string>().ShouldBe("draft");
        podcast["category"]!.GetValue<string>().ShouldBe("Leisure");
        podcast["subcategory"]!.GetValue<string>().ShouldBe("Home & Garden");
        podcast["author"]!.GetValue<string>().ShouldBe("Rosa Vega & Sam Lee");
        podcast["owner_email"]!.GetValue<string>().ShouldBe(owner.Email);
        podcast["website_url"]!.GetValue<string>().ShouldBe("https://gardenhour.example.org/");
        podcast["description"]!.GetValue<string>().ShouldBe(
            "Weekly conversations about **growing food** in small spaces.\n\nHosted by Rosa \\& Sam. Find us at [our site](<https://gardenhour.example.org>).");
        podcast["cover_image_url"].ShouldNotBeNull();
        podcast["funding"]![0]!["url"]!.GetValue<string>().ShouldBe("https://support.example.org/gardenhour");
        podcast["funding"]![0]!["label"]!.GetValue<string>().ShouldBe("Keep us growing");

        var finished = await WaitUntilFinishedAsync(owner, import["id"]!.GetValue<string>());
        finished["progress"]!["processed"]!.GetValue<long>().ShouldBe(3, finished.ToJsonString());
        finished["progress"]!["processing_failed"]!.GetValue<long>().ShouldBe(0);

        var episodes = await EpisodesAsync(owner, podcastId);
        episodes.Select(e => e!["guid"]!.GetValue<string>()).Order().ShouldBe(
            ["8a4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", $"{_site.BaseAddress.AbsoluteUri}audio/trailer.m4a", "https://gardenhour.example.org/episodes/2"],
            ignoreOrder: true);
        var ep3 = episodes.Single(e => e!["guid"]!.GetValue<string>().StartsWith("8a4b", StringComparison.Ordinal))!;
        ep3["title"]!.GetValue<string>().ShouldBe("Ep. 3 – Tomatoes on a balcony");
        DateTimeOffset.Parse(ep3["published_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(new DateTimeOffset(2024, 4, 2, 10, 0, 0, TimeSpan.Zero));
        ep3["season_number"]!.GetValue<int>().ShouldBe(1);
        ep3["episode_number"]!.GetValue<int>().ShouldBe(3);
        ep3["processed_status"]!.GetValue<string>().ShouldBe("ready");
        ep3["description"]!.GetValue<string>().ShouldContain("[seed list](<https://example.org/seeds?id=1&ref=gh>)");
        ep3["cover_image_url"].ShouldNotBeNull();
        ep3["transcripts"]!.AsArray().ShouldBeEmpty(); // the old host's transcript is http://, which feeds here do not link
        var ep2 = episodes.Single(e => e!["guid"]!.GetValue<string>().EndsWith("/episodes/2", StringComparison.Ordinal))!;
        DateTimeOffset.Parse(ep2["published_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(new DateTimeOffset(2024, 3, 5, 15, 30, 0, TimeSpan.Zero));
        ep2["description"]!.GetValue<string>().ShouldBe("Plain-text notes.\\\nSecond line of notes.\n\nA second paragraph with a \\*literal\\* asterisk.");
        var trailer = episodes.Single(e => e!["episode_type"]!.GetValue<string>() == "trailer")!;
        trailer["explicit"]!.GetValue<bool>().ShouldBeTrue();
        trailer["title"]!.GetValue<string>().ShouldBe("Trailer");
        import["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain(w => w.StartsWith("The transcripts of", StringComparison.Ordinal));

        // Published here, the show keeps the podcast:guid it had, and its back catalogue is not announced as new.
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        var feed = System.Xml.Linq.XDocument.Parse(await owner.Http.GetStringAsync(new Uri($"/rss/{podcastId}", UriKind.Relative)));
        feed.Root!.Element("channel")!.Element((System.Xml.Linq.XNamespace)"https://podcastindex.org/namespace/1.0" + "guid")!.Value
            .ShouldBe("0f6b8a8e-4a4d-5c1e-9a55-3f4d0d6b7c21");
        feed.Root!.Element("channel")!.Elements("item").Count().ShouldBe(3);
        var announcements = await server.CountSqlAsync(
            "SELECT COUNT(*) FROM outbox_events WHERE type LIKE '%EpisodeWentLive' AND payload LIKE @podcast", new { podcast = $"%{podcastId}%" });
        announcements.ShouldBe(0);

        // A new episode appears in the old feed; running the import again brings only that one.
        var rerunUrl = await PutFeedAsync("/feed.xml", owner.Email, edit: xml => xml.Replace("<item>", """
            <item><title>Ep. 4: Herbs</title><guid isPermaLink="false">ep-4-herbs</guid><pubDate>Tue, 09 Apr 2024 10:00:00 +0000</pubDate>
              <enclosure url="SITE/audio/ep2.mp3?copy=4" type="audio/mpeg" length="0"/></item>
            <item>
            """.Replace("SITE", _site.BaseAddress.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal), StringComparison.Ordinal));
        var rerun = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = rerunUrl });

        rerun.Status.ShouldBe(HttpStatusCode.OK, rerun.Body?.ToJsonString());
        rerun.Body!["podcast_id"]!.GetValue<string>().ShouldBe(podcastId);
        rerun.Body!["items_in_feed"]!.GetValue<int>().ShouldBe(4);
        rerun.Body!["items_new"]!.GetValue<int>().ShouldBe(1);
        await WaitUntilFinishedAsync(owner, rerun.Body!["id"]!.GetValue<string>());
        var after = await EpisodesAsync(owner, podcastId);
        after.Count.ShouldBe(4);
        after.Select(e => e!["guid"]!.GetValue<string>()).ShouldContain("ep-4-herbs");
        (await owner.Http.GetJsonAsync("/api/v1/podcasts?mine=true")).Body!["items"]!.AsArray()
            .Count(p => p!["id"]!.GetValue<string>() == podcastId).ShouldBe(1);
    }

    [Fact]
    public async Task Import_LockedFeed_OnlyTheOwnersAccountMayImportIt()
    {
        var stranger = await server.SignUpAsync();
        var feedUrl = await PutFeedAsync("/locked.xml", "rosa@gardenhour.example.org", locked: true);

        var refused = await stranger.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = feedUrl });

        refused.ShouldBeProblem(HttpStatusCode.Forbidden);
        refused.Body!["detail"]!.GetValue<string>().ShouldContain("podcast:locked");
        refused.Body!["detail"]!.GetValue<string>().ShouldContain("r***@gardenhour.example.org");
        (await stranger.Http.GetJsonAsync("/api/v1/podcasts?mine=true")).Body!["items"]!.AsArray().ShouldBeEmpty();
        _site.Requests("/audio/ep3.mp3").ShouldBe(0);

        var owner = await server.SignUpAsync();
        var ownFeed = await PutFeedAsync("/locked-own.xml", "someone@example.com", locked: true, lockOwner: owner.Email.ToUpperInvariant());
        var accepted = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = ownFeed });
        accepted.Status.ShouldBe(HttpStatusCode.Created, accepted.Body?.ToJsonString());
    }

    [Fact]
    public async Task Import_BadInput_ClearProblemAndNothingCreated()
    {
        var owner = await server.SignUpAsync();
        _site.Put("/page.html", "<html><body>Not a feed</body></html>", "text/html");

        var empty = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { });
        empty.ShouldBeProblem(HttpStatusCode.BadRequest);
        empty.ErrorsFor("feed_url").ShouldNotBeEmpty();
        var ftp = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = "ftp://example.com/feed.xml" });
        ftp.ShouldBeProblem(HttpStatusCode.BadRequest);
        ftp.ErrorsFor("feed_url").ShouldNotBeEmpty();
        var notFeed = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = _site.Url("/page.html") });
        notFeed.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        notFeed.ErrorsFor("feed_url").Single().ShouldContain("not an RSS 2.0 feed");
        var missing = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = _site.Url("/gone.xml") });
        missing.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        missing.ErrorsFor("feed_url").Single().ShouldContain("404");
        (await owner.Http.GetJsonAsync("/api/v1/podcasts?mine=true")).Body!["items"]!.AsArray().ShouldBeEmpty();

        var listener = await server.SignUpAsync(role: "listener");
        (await listener.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = await PutFeedAsync("/l.xml", listener.Email) }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Import_AudioMissingOrFlaky_MissingFailsItsEpisodeWithTheReason_FlakyIsRetried()
    {
        var owner = await server.SignUpAsync();
        var feedUrl = await PutFeedAsync("/flaky.xml", owner.Email, edit: xml => xml
            .Replace("/audio/ep3.mp3?source=feed", "/audio/missing.mp3", StringComparison.Ordinal)
            .Replace("/audio/trailer.m4a", "/audio/flaky.m4a", StringComparison.Ordinal));
        _site.Put("/audio/flaky.m4a", await File.ReadAllBytesAsync(await TestMedia.AudioAsync("import-flaky.m4a", 2, 2, "-c:a aac -b:a 96k")), "audio/mp4");
        _site.FailNext("/audio/flaky.m4a", 1);

        var started = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = feedUrl });
        started.Status.ShouldBe(HttpStatusCode.Created, started.Body?.ToJsonString());
        var finished = await WaitUntilFinishedAsync(owner, started.Body!["id"]!.GetValue<string>());

        finished["progress"]!["processed"]!.GetValue<long>().ShouldBe(2, finished.ToJsonString());
        finished["progress"]!["processing_failed"]!.GetValue<long>().ShouldBe(1);
        var failedItem = finished["items"]!.AsArray().Single(i => i!["state"]!.GetValue<string>() == "failed")!;
        failedItem["error"]!.GetValue<string>().ShouldContain("404");
        var episode = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{failedItem["episode_id"]!.GetValue<string>()}")).Body!;
        episode["processed_status"]!.GetValue<string>().ShouldBe("failed");
        episode["processing_error"]!.GetValue<string>().ShouldContain("could not be fetched");
        _site.Requests("/audio/flaky.m4a").ShouldBe(2);
    }

    [Fact]
    public async Task Import_SomeoneElsesImport_NotFound()
    {
        var owner = await server.SignUpAsync();
        var started = await owner.Http.PostJsonAsync("/api/v1/podcasts/import", new { feed_url = await PutFeedAsync("/mine.xml", owner.Email) });
        var other = await server.SignUpAsync();

        (await other.Http.GetJsonAsync($"/api/v1/imports/{started.Body!["id"]!.GetValue<string>()}")).ShouldBeProblem(HttpStatusCode.NotFound);
        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync($"/api/v1/imports/{started.Body!["id"]!.GetValue<string>()}")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Downloads_PrivateNetworksRefusedUnlessAllowed()
    {
        var options = Options.Create(new ImportOptions { AllowPrivateNetworks = false });
        using var client = new HttpClient(ImportDownloads.CreateHandler(options));

        var refused = await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync(_site.Url("/audio/ep2.mp3")));

        refused.InnerException.ShouldBeOfType<ImportDownloadException>().Message.ShouldContain("private or local network");
        ImportDownloads.IsPublic(IPAddress.Parse("10.1.2.3")).ShouldBeFalse();
        ImportDownloads.IsPublic(IPAddress.Parse("192.168.0.1")).ShouldBeFalse();
        ImportDownloads.IsPublic(IPAddress.Parse("169.254.169.254")).ShouldBeFalse();
        ImportDownloads.IsPublic(IPAddress.Parse("::ffff:127.0.0.1")).ShouldBeFalse();
        ImportDownloads.IsPublic(IPAddress.Parse("fd00::1")).ShouldBeFalse();
        ImportDownloads.IsPublic(IPAddress.Parse("93.184.216.34")).ShouldBeTrue();
        ImportDownloads.IsPublic(IPAddress.Parse("2606:2800:220:1:248:1893:25c8:1946")).ShouldBeTrue();
    }
}

public sealed class SqliteImportTests(SqliteServer server) : ImportTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresImportTests(PostgresServer server) : ImportTests(server), IClassFixture<PostgresServer>;
