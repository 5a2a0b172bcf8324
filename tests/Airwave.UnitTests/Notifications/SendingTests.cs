using Airwave.Notifications.Contracts;
using Airwave.Notifications.Sending;

namespace Airwave.UnitTests.Notifications;

/// <summary>What is sent, how answers are judged, and how long to wait before trying again.</summary>
public sealed class SendingTests
{
    private const string FeedUrl = "https://podcasts.example.com/rss/0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    [Fact]
    public void Expand_PodcastIndexTemplate_FeedUrlEscapedIntoTheQueryValue() =>
        PingTemplate.Expand("https://api.podcastindex.org/api/1.0/hub/pubnotify?url={feedUrl}", FeedUrl)
            .ShouldBe("https://api.podcastindex.org/api/1.0/hub/pubnotify?url=https%3A%2F%2Fpodcasts.example.com%2Frss%2F0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");

    [Fact]
    public void Expand_FeedUrlWithQueryAndFragment_StaysOneValue()
    {
        var expanded = PingTemplate.Expand("https://ping.example.com/?a=1&url={feedUrl}&b=2", "https://x.example.com/feed?id=1&t=a b#top");

        expanded.ShouldBe("https://ping.example.com/?a=1&url=https%3A%2F%2Fx.example.com%2Ffeed%3Fid%3D1%26t%3Da%20b%23top&b=2");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(expanded).Query);
        query["url"].ToString().ShouldBe("https://x.example.com/feed?id=1&t=a b#top");
        query["b"].ToString().ShouldBe("2");
    }

    [Fact]
    public void Expand_PlaceholderTwice_BothReplaced() =>
        PingTemplate.Expand("https://p.example.com/{feedUrl}?u={feedUrl}", "https://a.example/b").ShouldBe(
            "https://p.example.com/https%3A%2F%2Fa.example%2Fb?u=https%3A%2F%2Fa.example%2Fb");

    [Theory]
    [InlineData(200, "Succeeded")]
    [InlineData(202, "Succeeded")]
    [InlineData(204, "Succeeded")]
    [InlineData(408, "Retry")]
    [InlineData(429, "Retry")]
    [InlineData(500, "Retry")]
    [InlineData(502, "Retry")]
    [InlineData(503, "Retry")]
    [InlineData(400, "Fail")]
    [InlineData(401, "Fail")]
    [InlineData(404, "Fail")]
    [InlineData(410, "Fail")]
    [InlineData(302, "Fail")]
    public void Classify_Status_Verdict(int status, string verdict) => SendPolicy.Classify(status).ToString().ShouldBe(verdict);

    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    [InlineData(6, 1920)]
    [InlineData(7, 3600)]
    [InlineData(40, 3600)]
    public void RetryDelay_DoublesUpToAnHour(int attempt, int seconds) =>
        SendPolicy.RetryDelay(TimeSpan.FromMinutes(1), attempt, null).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void RetryDelay_RetryAfter_BelievedWithinAnHour()
    {
        SendPolicy.RetryDelay(TimeSpan.FromMinutes(1), 1, TimeSpan.FromSeconds(5)).ShouldBe(TimeSpan.FromSeconds(5));
        SendPolicy.RetryDelay(TimeSpan.FromMinutes(1), 1, TimeSpan.FromDays(2)).ShouldBe(TimeSpan.FromHours(1));
        SendPolicy.RetryDelay(TimeSpan.FromMinutes(1), 1, TimeSpan.FromSeconds(-30)).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task BuildRequest_WebSub_FormEncodedPublishWithUserAgent()
    {
        using var request = SendPublishNotification.BuildRequest(ReceiptKinds.WebSub, "https://hub.example.com/", FeedUrl);

        request.Method.ShouldBe(HttpMethod.Post);
        request.RequestUri.ShouldBe(new Uri("https://hub.example.com/"));
        request.Content!.Headers.ContentType!.MediaType.ShouldBe("application/x-www-form-urlencoded");
        (await request.Content.ReadAsStringAsync()).ShouldBe("hub.mode=publish&hub.url=" + Uri.EscapeDataString(FeedUrl));
        request.Headers.UserAgent.ToString().ShouldBe($"Airwave/1.0 (+{FeedUrl})");
    }

    [Fact]
    public void BuildRequest_Ping_GetOfTheExpandedTemplate()
    {
        using var request = SendPublishNotification.BuildRequest(ReceiptKinds.Ping, "https://ping.example.com/notify?url={feedUrl}", FeedUrl);

        request.Method.ShouldBe(HttpMethod.Get);
        request.RequestUri!.AbsoluteUri.ShouldBe("https://ping.example.com/notify?url=" + Uri.EscapeDataString(FeedUrl));
        request.Content.ShouldBeNull();
    }

    [Theory]
    [InlineData("https://api.example.com/ping?key=SECRET&url={feedUrl}", "https://api.example.com")]
    [InlineData("http://127.0.0.1:8081/hub/SECRET", "http://127.0.0.1:8081")]
    public void Redacted_KeepsSchemeHostAndPortOnly(string target, string logged)
    {
        SendPublishNotification.Redacted(target).ShouldBe(logged);
        SendPublishNotification.Redacted(target).ShouldNotContain("SECRET");
    }
}
