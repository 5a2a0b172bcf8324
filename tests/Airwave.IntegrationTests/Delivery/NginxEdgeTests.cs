using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Airwave.Core.Storage;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Delivery;

/// <summary>deploy/nginx in front of Airwave: a caching edge that checks Airwave's signatures itself.</summary>
public sealed class NginxEdgeTests(NginxEdgeServer server) : IClassFixture<NginxEdgeServer>
{
    [Fact]
    public async Task Media_SecondRequest_CacheHit_OriginNotAskedAgain()
    {
        var media = await server.StoreMediaAsync(2 * 1024 * 1024);
        using var edge = server.Edge();

        using var first = await edge.GetAsync(new Uri(DeliveryKit.SignedPath(media.Path), UriKind.Relative));
        // Another listener, another signature and expiry: the same cache entry.
        using var second = await edge.GetAsync(new Uri(DeliveryKit.SignedPath(media.Path, TimeSpan.FromMinutes(30)), UriKind.Relative));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(first, "X-Cache-Status").ShouldBe("MISS");
        (await first.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(second, "X-Cache-Status").ShouldBe("HIT");
        (await second.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes);
        second.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
        second.Headers.ETag!.Tag.ShouldBe($"\"{media.Key[6..70]}\"");
        var origin = await server.LogRowsAsync("path = @Path", new { media.Path });
        origin.ShouldHaveSingleItem().Status.ShouldBe(200);
    }

    [Fact]
    public async Task Media_OneMebibyteRangeThroughTheCache_ExactBytes()
    {
        var media = await server.StoreMediaAsync(5 * 1024 * 1024 + 123);
        using var edge = server.Edge();

        async Task<HttpResponseMessage> RangeAsync(long from, long to)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, DeliveryKit.SignedPath(media.Path));
            request.Headers.Range = new RangeHeaderValue(from, to);
            return await edge.SendAsync(request);
        }

        // The first range is a miss: nginx fetches the whole file into the cache and answers the range from it.
        using var miss = await RangeAsync(1024 * 1024, (2 * 1024 * 1024) - 1);
        using var hit = await RangeAsync(3 * 1024 * 1024, (4 * 1024 * 1024) - 1);

        miss.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        Header(miss, "X-Cache-Status").ShouldBe("MISS");
        miss.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 1048576-2097151/{media.Bytes.Length}");
        (await miss.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes[(1024 * 1024)..(2 * 1024 * 1024)]);
        hit.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        Header(hit, "X-Cache-Status").ShouldBe("HIT");
        (await hit.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes[(3 * 1024 * 1024)..(4 * 1024 * 1024)]);
        using var beyond = await RangeAsync(media.Bytes.Length + 10L, media.Bytes.Length + 20L);
        beyond.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);

        // The origin sent the file once, whole.
        var origin = (await server.LogRowsAsync("path = @Path", new { media.Path })).ShouldHaveSingleItem();
        (origin.Status, origin.BytesServed, origin.RangeHeader).ShouldBe((200, (long)media.Bytes.Length, null));
    }

    [Fact]
    public async Task Media_BadSignature_RefusedByTheEdge_OriginNeverAsked()
    {
        var media = await server.StoreMediaAsync(4096);
        var cached = await server.StoreMediaAsync(4096);
        using var edge = server.Edge();
        (await edge.GetAsync(new Uri(DeliveryKit.SignedPath(cached.Path), UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var signed = DeliveryKit.SignedPath(media.Path);
        var tampered = signed[..^1] + (signed[^1] == 'A' ? 'B' : 'A');

        var answers = new List<(string Url, HttpResponseMessage Response)>();
        foreach (var url in new[]
        {
            tampered, media.Path, DeliveryKit.SignedPath(media.Path, TimeSpan.FromSeconds(-5)), cached.Path + signed[signed.IndexOf('?', StringComparison.Ordinal)..],
            cached.Path, signed + "&expires=1",
        })
        {
            answers.Add((url, await edge.GetAsync(new Uri(url, UriKind.Relative))));
        }

        foreach (var (url, response) in answers)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, url);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", url);
            response.Headers.CacheControl!.NoStore.ShouldBeTrue(url);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            problem["status"]!.GetValue<int>().ShouldBe(403);
            problem["title"]!.GetValue<string>().ShouldBe("Forbidden");
        }

        JsonNode.Parse(await answers[1].Response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldContain("not signed");
        JsonNode.Parse(await answers[2].Response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldContain("expired");
        JsonNode.Parse(await answers[0].Response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldContain("not valid");

        // Nothing reached the origin for the refused file; the cached one was fetched once, by the valid request.
        using var valid = await edge.GetAsync(new Uri(signed, UriKind.Relative));
        valid.StatusCode.ShouldBe(HttpStatusCode.OK);
        var rows = await server.LogRowsAsync("path IN (@A, @B)", new { A = media.Path, B = cached.Path }, atLeast: 2);
        rows.Select(r => (r.Path, r.Status)).ShouldBe([(cached.Path, 200), (media.Path, 200)], ignoreOrder: true);
        foreach (var (_, response) in answers)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Covers_UnsignedAndCached()
    {
        var set = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var picture = RandomNumberGenerator.GetBytes(3000);
        using (var content = new MemoryStream(picture))
        {
            await server.Services.GetRequiredService<IBlobStore>().PutAsync($"covers/{set}/300.jpg", content, "image/jpeg", CancellationToken.None);
        }

        using var edge = server.Edge();
        using var first = await edge.GetAsync(new Uri($"/media/covers/{set}/300.jpg", UriKind.Relative));
        using var second = await edge.GetAsync(new Uri($"/media/covers/{set}/300.jpg", UriKind.Relative));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        Header(second, "X-Cache-Status").ShouldBe("HIT");
        (await second.Content.ReadAsByteArrayAsync()).ShouldBe(picture);
    }

    [Fact]
    public async Task Metrics_NotReachableThroughTheEdge_ButOnTheInstance()
    {
        using var edge = server.Edge();
        using var throughEdge = await edge.GetAsync(new Uri("/metrics", UriKind.Relative));
        throughEdge.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await throughEdge.Content.ReadAsStringAsync()).ShouldNotContain("http_server_request_duration_seconds");

        using var direct = await server.Client().GetAsync(new Uri("/metrics", UriKind.Relative));
        direct.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Feed_CachedByTheEdge()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Edge Show"))["id"]!.GetValue<string>();
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        using var edge = server.Edge();

        using var first = await edge.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));
        using var second = await edge.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(first, "X-Cache-Status").ShouldBe("MISS");
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(second, "X-Cache-Status").ShouldBe("HIT");
        second.Content.Headers.ContentType!.MediaType.ShouldBe("application/rss+xml");
        XDocument.Parse(await second.Content.ReadAsStringAsync()).Root!.Element("channel")!.Element("title")!.Value.ShouldBe("Edge Show");
        second.Headers.ETag.ShouldBe(first.Headers.ETag);

        // A revalidation with the ETag is answered by the edge.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await edge.SendAsync(conditional);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Redirect_ThroughTheEdge_PointsAtTheEdge_NeverCached_AndIsLoggedBothSides()
    {
        var (_, _, episodeId, status) = await server.PublishedEpisodeAsync();
        var mp3Key = DeliveryKit.RenditionKey(status, "mp3");
        using var edge = server.Edge();

        using var first = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{episodeId}/audio", out var firstSession);
        first.Headers.Add("X-Forwarded-For", "203.0.113.50");
        using var redirect = await edge.SendAsync(first);
        using var again = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{episodeId}/audio", out var againSession);
        using var secondRedirect = await edge.SendAsync(again);

        redirect.StatusCode.ShouldBe(HttpStatusCode.Found);
        redirect.Headers.Location!.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(server.EdgeAddress, "/" + mp3Key).ToString());
        Header(secondRedirect, "X-Cache-Status").ShouldBeNull();
        var row = await server.LogRowOfSessionAsync(firstSession);
        (row.Status, row.RedirectTarget, row.EpisodeId).ShouldBe((302, "cdn", Guid.Parse(episodeId)));
        // The edge replaces a client's X-Forwarded-For with the address it saw, which the origin trusts.
        row.ClientIp.ShouldBe("127.0.0.1");
        (await server.LogRowOfSessionAsync(againSession)).Status.ShouldBe(302);

        using var follow = DeliveryKit.Tagged(HttpMethod.Get, redirect.Headers.Location!.ToString(), out var followSession);
        follow.Headers.UserAgent.ParseAdd("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)");
        follow.Headers.Referrer = new Uri("https://example.com/player");
        follow.Headers.Range = new RangeHeaderValue(0, 999);
        using var audio = await edge.SendAsync(follow);
        audio.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await audio.Content.ReadAsByteArrayAsync()).Length.ShouldBe(1000);

        // The edge's access log line has the delivery log's fields; its request id is the one the origin logged.
        var line = await AccessLogLineAsync(followSession);
        line["method"]!.GetValue<string>().ShouldBe("GET");
        line["path"]!.GetValue<string>().ShouldBe("/" + mp3Key);
        line["status"]!.GetValue<string>().ShouldBe("206");
        line["blob_key"]!.GetValue<string>().ShouldBe(mp3Key);
        line["client_ip"]!.GetValue<string>().ShouldBe("127.0.0.1");
        line["user_agent"]!.GetValue<string>().ShouldBe("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)");
        line["referer"]!.GetValue<string>().ShouldBe("https://example.com/player");
        line["range"]!.GetValue<string>().ShouldBe("bytes=0-999");
        line["content_range"]!.GetValue<string>().ShouldStartWith("bytes 0-999/");
        line["bytes_served"]!.GetValue<string>().ShouldBe("1000");
        line["completed"]!.GetValue<string>().ShouldBe("OK");
        line["cache"]!.GetValue<string>().ShouldBe("MISS");
        line["time"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        double.Parse(line["msec"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(1_600_000_000);
        var originRow = (await server.LogRowsAsync("path = @Path", new { Path = "/" + mp3Key })).ShouldHaveSingleItem();
        originRow.RequestId.ShouldBe(line["request_id"]!.GetValue<string>());
        originRow.ClientIp.ShouldBe("127.0.0.1");

        var redirectLine = await AccessLogLineAsync(firstSession);
        redirectLine["episode_id"]!.GetValue<string>().ShouldBe(episodeId);
        redirectLine["status"]!.GetValue<string>().ShouldBe("302");
        redirectLine["cache"]!.GetValue<string>().ShouldBe("");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>The access log line of the request that sent <paramref name="sessionId"/> (nginx writes it once the response is sent).</summary>
    private async Task<JsonNode> AccessLogLineAsync(string sessionId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (File.Exists(server.AccessLogPath))
            {
                var lines = await File.ReadAllLinesAsync(server.AccessLogPath);
                var matches = lines.Select(l => JsonNode.Parse(l)!).Where(l => l["playback_session_id"]!.GetValue<string>() == sessionId).ToList();
                if (matches.Count > 0 || DateTime.UtcNow > deadline)
                {
                    return matches.ShouldHaveSingleItem();
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the access log did not appear");
            await Task.Delay(50);
        }
    }
}
