using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Airwave.Delivery;
using Airwave.Delivery.Data;
using Airwave.Delivery.Log;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Airwave.IntegrationTests.Delivery;

/// <summary>
/// The server as the delivery tests need it: signed media URLs required, 127.0.0.2 trusted as a proxy, and a flush
/// interval long enough that rows reach the database only when a batch is asked for, fills up, or the server stops.
/// </summary>
public abstract class DeliveryServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Server:TrustedProxies"] = "127.0.0.2",
        ["Delivery:SigningKey"] = DeliveryKit.SigningKey,
        ["Delivery:RequireSignedUrls"] = "true",
        ["Delivery:LogFlushInterval"] = "00:01:00",
    };
}

public sealed class SqliteDeliveryServer : DeliveryServer
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresDeliveryServer : DeliveryServer
{
    protected override string Provider => "postgres";
}

/// <summary>Every media request, redirect and origin, whatever its answer, ends up in the delivery log with what was really sent.</summary>
public abstract class DeliveryLogTests(DeliveryServer server)
{
    [Fact]
    public async Task Redirect_PublishedEpisode_302ToSignedOriginUrl_LoggedWithAllFields()
    {
        var (_, _, episodeId, status) = await server.PublishedEpisodeAsync();
        var mp3Key = DeliveryKit.RenditionKey(status, "mp3");
        using var client = server.NoRedirects();
        using var request = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{episodeId}/audio", out var session);
        request.Headers.UserAgent.ParseAdd("AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)");
        request.Headers.Referrer = new Uri("https://podcasts.example.com/show");
        request.Headers.Range = new RangeHeaderValue(0, 1);

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(server.BaseAddress, "/" + mp3Key).ToString());
        location.Query.ShouldMatch("^\\?expires=[0-9]+&signature=[A-Za-z0-9_-]{43}$");
        var row = await server.LogRowOfSessionAsync(session);
        row.Kind.ShouldBe("redirect");
        row.Method.ShouldBe("GET");
        row.Path.ShouldBe($"/api/v1/episodes/{episodeId}/audio");
        row.Status.ShouldBe(302);
        row.EpisodeId.ShouldBe(Guid.Parse(episodeId));
        row.BlobKey.ShouldBe(mp3Key);
        row.Rendition.ShouldBe("mp3");
        row.RedirectTarget.ShouldBe("origin");
        row.ClientIp.ShouldBe("127.0.0.1");
        row.UserAgent.ShouldBe("AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)");
        row.Referer.ShouldBe("https://podcasts.example.com/show");
        row.RangeHeader.ShouldBe("bytes=0-1");
        row.PlaybackSessionId.ShouldBe(session);
        row.RequestId.ShouldNotBeNullOrWhiteSpace();
        row.FirstByte.ShouldBeNull();
        row.BytesServed.ShouldBe(0);
        row.Completed.ShouldBeTrue();
        row.OccurredAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        // Following the redirect with the same range: the origin logs the two bytes it sent.
        using var follow = DeliveryKit.Tagged(HttpMethod.Get, location.ToString(), out var followSession);
        follow.Headers.Range = new RangeHeaderValue(0, 1);
        using var partial = await client.SendAsync(follow);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).Length.ShouldBe(2);
        var origin = await server.LogRowOfSessionAsync(followSession);
        origin.Kind.ShouldBe("origin");
        origin.Path.ShouldBe("/" + mp3Key);
        origin.BlobKey.ShouldBe(mp3Key);
        origin.Rendition.ShouldBe("mp3");
        origin.EpisodeId.ShouldBeNull();
        origin.RedirectTarget.ShouldBeNull();
        (origin.Status, origin.FirstByte, origin.BytesServed, origin.ContentLength, origin.Completed).ShouldBe((206, 0L, 2L, 2L, true));
    }

    [Fact]
    public async Task Redirect_AacAndHead_LoggedAsSuch()
    {
        var (_, _, episodeId, status) = await server.PublishedEpisodeAsync();
        using var client = server.NoRedirects();

        using var aac = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{episodeId}/audio/aac", out var aacSession);
        using var aacResponse = await client.SendAsync(aac);
        using var head = DeliveryKit.Tagged(HttpMethod.Head, $"/api/v1/episodes/{episodeId}/audio", out var headSession);
        using var headResponse = await client.SendAsync(head);
        using var other = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{episodeId}/audio/flac", out var otherSession);
        using var otherResponse = await client.SendAsync(other);

        aacResponse.StatusCode.ShouldBe(HttpStatusCode.Found);
        aacResponse.Headers.Location!.AbsolutePath.ShouldBe("/" + DeliveryKit.RenditionKey(status, "aac"));
        headResponse.StatusCode.ShouldBe(HttpStatusCode.Found);
        otherResponse.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var aacRow = await server.LogRowOfSessionAsync(aacSession);
        (aacRow.Rendition, aacRow.BlobKey, aacRow.Status).ShouldBe(("aac", DeliveryKit.RenditionKey(status, "aac"), 302));
        var headRow = await server.LogRowOfSessionAsync(headSession);
        (headRow.Method, headRow.Status, headRow.Rendition).ShouldBe(("HEAD", 302, "mp3"));
        var otherRow = await server.LogRowOfSessionAsync(otherSession);
        (otherRow.Status, otherRow.EpisodeId, otherRow.BlobKey).ShouldBe((404, Guid.Parse(episodeId), null));
    }

    [Fact]
    public async Task Redirect_UnknownOrUnpublishedEpisode_404LoggedWithTheEpisodeAsked()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var draft = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        var unknown = Guid.NewGuid();
        using var client = server.NoRedirects();

        using var first = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{unknown}/audio", out var unknownSession);
        using var unknownResponse = await client.SendAsync(first);
        using var second = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{draft}/audio", out var draftSession);
        using var draftResponse = await client.SendAsync(second);

        unknownResponse.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknownResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        draftResponse.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var unknownRow = await server.LogRowOfSessionAsync(unknownSession);
        (unknownRow.Kind, unknownRow.Status, unknownRow.EpisodeId, unknownRow.BlobKey).ShouldBe(("redirect", 404, unknown, null));
        unknownRow.BytesServed.ShouldBe((await unknownResponse.Content.ReadAsByteArrayAsync()).Length);
        var draftRow = await server.LogRowOfSessionAsync(draftSession);
        (draftRow.Status, draftRow.EpisodeId).ShouldBe((404, Guid.Parse(draft)));
    }

    [Fact]
    public async Task Origin_WholeRangesHeadConditional_EachLoggedWithExactBytes()
    {
        var media = await server.StoreMediaAsync(200_000);
        var url = DeliveryKit.SignedPath(media.Path);
        using var client = server.Client();
        var etag = $"\"{media.Key[6..70]}\"";

        async Task<(HttpResponseMessage Response, string Session)> SendAsync(HttpMethod method, Action<HttpRequestMessage> arrange)
        {
            var request = DeliveryKit.Tagged(method, url, out var session);
            arrange(request);
            var response = await client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return (response, session);
        }

        var whole = await SendAsync(HttpMethod.Get, _ => { });
        var middle = await SendAsync(HttpMethod.Get, r => r.Headers.Range = new RangeHeaderValue(1000, 1999));
        var tail = await SendAsync(HttpMethod.Get, r => r.Headers.Range = new RangeHeaderValue(199_990, null));
        var beyond = await SendAsync(HttpMethod.Get, r => r.Headers.Range = new RangeHeaderValue(300_000, null));
        var head = await SendAsync(HttpMethod.Head, _ => { });
        var ifRangeMatch = await SendAsync(HttpMethod.Get, r =>
        {
            r.Headers.Range = new RangeHeaderValue(10, 19);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue(etag));
        });
        var ifRangeStale = await SendAsync(HttpMethod.Get, r =>
        {
            r.Headers.Range = new RangeHeaderValue(10, 19);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"something-else\""));
        });
        var notModified = await SendAsync(HttpMethod.Get, r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag)));

        whole.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await whole.Response.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes);
        whole.Response.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
        whole.Response.Headers.AcceptRanges.ShouldContain("bytes");
        whole.Response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        middle.Response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await middle.Response.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes[1000..2000]);
        tail.Response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        beyond.Response.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
        beyond.Response.Content.Headers.ContentRange!.ToString().ShouldBe("bytes */200000");
        head.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Response.Content.Headers.ContentLength.ShouldBe(200_000);
        ifRangeMatch.Response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        ifRangeStale.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        notModified.Response.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        async Task ExpectAsync(string session, int status, long? firstByte, long bytes, long? contentLength, string? range)
        {
            var row = await server.LogRowOfSessionAsync(session);
            (row.Kind, row.Status, row.FirstByte, row.BytesServed, row.ContentLength, row.Completed, row.RangeHeader)
                .ShouldBe(("origin", status, firstByte, bytes, contentLength, true, range), $"session {session}");
            (row.BlobKey, row.Rendition, row.Path).ShouldBe((media.Key, "mp3", media.Path));
        }

        await ExpectAsync(whole.Session, 200, 0, 200_000, 200_000, null);
        await ExpectAsync(middle.Session, 206, 1000, 1000, 1000, "bytes=1000-1999");
        await ExpectAsync(tail.Session, 206, 199_990, 10, 10, "bytes=199990-");
        await ExpectAsync(beyond.Session, 416, null, 0, 0, "bytes=300000-");
        await ExpectAsync(head.Session, 200, null, 0, 200_000, null);
        await ExpectAsync(ifRangeMatch.Session, 206, 10, 10, 10, "bytes=10-19");
        await ExpectAsync(ifRangeStale.Session, 200, 0, 200_000, 200_000, "bytes=10-19");
        await ExpectAsync(notModified.Session, 304, null, 0, null, null);
        foreach (var (response, _) in new[] { whole, middle, tail, beyond, head, ifRangeMatch, ifRangeStale, notModified })
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Origin_MissingFileOrName_404Logged()
    {
        var absent = $"/media/{new string('e', 64)}.mp3";
        using var client = server.Client();

        using var missing = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(absent), out var missingSession);
        using var missingResponse = await client.SendAsync(missing);
        using var odd = DeliveryKit.Tagged(HttpMethod.Get, "/media/not-a-hash.mp3", out var oddSession);
        using var oddResponse = await client.SendAsync(odd);

        missingResponse.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        oddResponse.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var missingRow = await server.LogRowOfSessionAsync(missingSession);
        (missingRow.Status, missingRow.BlobKey, missingRow.FirstByte).ShouldBe((404, absent[1..], null));
        missingRow.BytesServed.ShouldBe((await missingResponse.Content.ReadAsByteArrayAsync()).Length);
        var oddRow = await server.LogRowOfSessionAsync(oddSession);
        (oddRow.Status, oddRow.BlobKey).ShouldBe((404, null));
    }

    [Fact]
    public async Task Origin_AbortedDownload_LogsTheBytesActuallySent()
    {
        // Far larger than what the socket buffers between server and client can hold, so the transfer really breaks off.
        const int Length = 48 * 1024 * 1024;
        var media = await server.StoreMediaAsync(Length);
        using var client = server.Client();
        using var request = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var session);
        var received = 0;
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            while (received < 512 * 1024)
            {
                var read = await body.ReadAsync(buffer);
                read.ShouldBeGreaterThan(0);
                received += read;
            }
        }

        // Disposing the response mid-body closes the connection; the server's next writes fail.
        var row = await server.LogRowOfSessionAsync(session);
        row.Status.ShouldBe(200);
        row.ContentLength.ShouldBe(Length);
        row.Completed.ShouldBeFalse();
        row.BytesServed.ShouldBeGreaterThanOrEqualTo(received);
        row.BytesServed.ShouldBeLessThan(Length);
        row.FirstByte.ShouldBe(0);
    }

    [Fact]
    public async Task Origin_ManyConcurrentDownloads_EveryOneLoggedWithItsBytes()
    {
        var media = await server.StoreMediaAsync(64 * 1024);
        var session = Guid.NewGuid().ToString("N");
        using var client = server.Client();

        var sizes = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, DeliveryKit.SignedPath(media.Path));
            request.Headers.Add("X-Playback-Session-Id", session);
            request.Headers.Range = new RangeHeaderValue(i * 1000L, (i * 1000L) + i);
            using var response = await client.SendAsync(request);
            return (await response.Content.ReadAsByteArrayAsync()).Length;
        }));

        sizes.ShouldBe(Enumerable.Range(1, 60));
        var rows = await server.LogRowsAsync("playback_session_id = @session", new { session }, atLeast: 60);
        rows.Count.ShouldBe(60);
        rows.Select(r => (r.FirstByte, r.BytesServed)).OrderBy(r => r.FirstByte)
            .ShouldBe(Enumerable.Range(0, 60).Select(i => ((long?)(i * 1000L), (long)i + 1)));
        rows.Select(r => r.Id).Distinct().Count().ShouldBe(60);
    }

    [Fact]
    public async Task ClientIp_ForwardedForFromUntrustedPeer_Ignored_FromTrustedProxy_Used()
    {
        var media = await server.StoreMediaAsync(1000);
        using var direct = server.Client();
        using var proxy = server.From(DeliveryKit.TrustedProxyAddress);

        using var spoofed = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var spoofedSession);
        spoofed.Headers.Add("X-Forwarded-For", "203.0.113.7");
        spoofed.Headers.Add("X-Request-Id", "spoofed-request-id");
        (await direct.SendAsync(spoofed)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var forwarded = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var forwardedSession);
        forwarded.Headers.Add("X-Forwarded-For", "198.51.100.1, 203.0.113.7");
        forwarded.Headers.Add("X-Request-Id", "edge-request-1");
        (await proxy.SendAsync(forwarded)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var proxyOnly = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var proxyOnlySession);
        (await proxy.SendAsync(proxyOnly)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var spoofedRow = await server.LogRowOfSessionAsync(spoofedSession);
        spoofedRow.ClientIp.ShouldBe("127.0.0.1");
        spoofedRow.RequestId.ShouldNotBe("spoofed-request-id");
        var forwardedRow = await server.LogRowOfSessionAsync(forwardedSession);
        forwardedRow.ClientIp.ShouldBe("203.0.113.7");
        forwardedRow.RequestId.ShouldBe("edge-request-1");
        (await server.LogRowOfSessionAsync(proxyOnlySession)).ClientIp.ShouldBe("127.0.0.2");
    }

    [Fact]
    public async Task SignedUrls_Required_UnsignedTamperedExpired403_ValidServed()
    {
        var media = await server.StoreMediaAsync(5000);
        var other = await server.StoreMediaAsync(10);
        var signed = DeliveryKit.SignedPath(media.Path);
        var query = signed[signed.IndexOf('?', StringComparison.Ordinal)..];
        var expires = long.Parse(query.Split('&')[0]["?expires=".Length..], CultureInfo.InvariantCulture);
        using var client = server.Client();

        async Task<(Response Answer, string Session)> GetAsync(string url)
        {
            using var request = DeliveryKit.Tagged(HttpMethod.Get, url, out var session);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (new Response(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                text.StartsWith('{') ? System.Text.Json.Nodes.JsonNode.Parse(text) : null, response.Headers), session);
        }

        var unsigned = await GetAsync(media.Path);
        var otherPath = await GetAsync(other.Path + query);
        var laterExpiry = await GetAsync(signed.Replace($"expires={expires}", $"expires={expires + 3600}", StringComparison.Ordinal));
        var changedSignature = await GetAsync(signed[..^1] + (signed[^1] == 'A' ? 'B' : 'A'));
        var expired = await GetAsync(DeliveryKit.SignedPath(media.Path, TimeSpan.FromSeconds(-5)));
        var valid = await GetAsync(signed);

        foreach (var refused in new[] { unsigned, otherPath, laterExpiry, changedSignature, expired })
        {
            refused.Answer.ShouldBeProblem(HttpStatusCode.Forbidden);
            refused.Answer.Headers.CacheControl!.NoStore.ShouldBeTrue();
            var row = await server.LogRowOfSessionAsync(refused.Session);
            (row.Status, row.Kind, row.FirstByte).ShouldBe((403, "origin", null));
        }

        unsigned.Answer.Body!["detail"]!.GetValue<string>().ShouldContain("not signed");
        expired.Answer.Body!["detail"]!.GetValue<string>().ShouldContain("expired");
        changedSignature.Answer.Body!["detail"]!.GetValue<string>().ShouldContain("not valid");
        valid.Answer.Status.ShouldBe(HttpStatusCode.OK);
        (await server.LogRowOfSessionAsync(valid.Session)).BytesServed.ShouldBe(5000);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, signed);
        ranged.Headers.Range = new RangeHeaderValue(4000, null);
        using var partial = await client.SendAsync(ranged);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes[4000..]);
    }

    [Fact]
    public async Task Covers_NeverNeedASignature()
    {
        using var client = server.Client();
        using var response = await client.GetAsync(new Uri($"/media/covers/{new string('c', 64)}/300.jpg", UriKind.Relative));

        // Not stored, so 404, but not refused for want of a signature.
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Restart_FlushedRowsSurvive_QueuedRowsWrittenOnShutdown()
    {
        var media = await server.StoreMediaAsync(3000);
        using (var client = server.Client())
        {
            using var first = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var flushedSession);
            (await client.SendAsync(first)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await server.LogRowOfSessionAsync(flushedSession);

            // Not flushed: the interval is a minute and nothing asks for a batch. Stopping the server must write it.
            using var second = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var queuedSession);
            (await client.SendAsync(second)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await server.RestartAsync();

            var rows = await server.LogRowsAsync("playback_session_id IN (@flushedSession, @queuedSession)", new { flushedSession, queuedSession });
            rows.Select(r => r.PlaybackSessionId).ShouldBe([flushedSession, queuedSession], ignoreOrder: true);
            rows.ShouldAllBe(r => r.BytesServed == 3000 && r.Completed);
        }

        using var after = server.Client();
        using var third = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var afterSession);
        (await after.SendAsync(third)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.LogRowOfSessionAsync(afterSession)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Cleanup_RowsOlderThanTheRetention_Deleted()
    {
        var media = await server.StoreMediaAsync(100);
        using var client = server.Client();
        using var old = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var oldSession);
        (await client.SendAsync(old)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var recent = DeliveryKit.Tagged(HttpMethod.Get, DeliveryKit.SignedPath(media.Path), out var recentSession);
        (await client.SendAsync(recent)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await server.LogRowOfSessionAsync(oldSession);
        await server.LogRowOfSessionAsync(recentSession);
        await server.ExecuteSqlAsync("UPDATE delivery_log SET occurred_at = @At WHERE playback_session_id = @Session",
            new { At = DateTimeOffset.UtcNow - TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), Session = oldSession });

        var deleted = await server.Services.GetRequiredService<DeliveryLogCleanup>().RunOnceAsync(CancellationToken.None);

        deleted.ShouldBeGreaterThanOrEqualTo(1);
        (await server.LogRowsAsync("playback_session_id = @oldSession", new { oldSession }, atLeast: 0)).ShouldBeEmpty();
        (await server.LogRowOfSessionAsync(recentSession)).Status.ShouldBe(200);
    }

    [Fact]
    public void Writer_QueueFull_DropsAndCountsInsteadOfWaiting()
    {
        var options = Options.Create(new DeliveryOptions { LogQueueCapacity = 2, LogBatchSize = 1 });
        using var writer = new DeliveryLogWriter(server.Services.GetRequiredService<DeliveryLogStore>(), options, TimeProvider.System,
            server.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<DeliveryLogWriter>.Instance);
        var entry = new DeliveryLogEntry(Guid.CreateVersion7(), "r", DateTimeOffset.UtcNow, "origin", "GET", "/media/x", 200, null, null, null, null,
            "127.0.0.1", null, null, null, 0, 1, 1, true, null, 0);

        // Not started, so nothing drains the queue: the third row finds it full.
        writer.TryAppend(entry).ShouldBeTrue();
        writer.TryAppend(entry with { Id = Guid.CreateVersion7() }).ShouldBeTrue();
        writer.TryAppend(entry with { Id = Guid.CreateVersion7() }).ShouldBeFalse();

        writer.Dropped.ShouldBe(1);
    }
}

public sealed class SqliteDeliveryLogTests(SqliteDeliveryServer server) : DeliveryLogTests(server), IClassFixture<SqliteDeliveryServer>;

public sealed class PostgresDeliveryLogTests(PostgresDeliveryServer server) : DeliveryLogTests(server), IClassFixture<PostgresDeliveryServer>;
