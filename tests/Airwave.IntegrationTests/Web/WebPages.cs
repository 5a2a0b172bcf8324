using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Airwave.IntegrationTests.Feeds;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// Sends requests for the configured public address to the test server instead, as a reverse proxy would (links the
/// server hands out, such as tus upload URLs, use the public address).
/// </summary>
public sealed class PublicAddressHandler(Uri publicBase, Uri server) : DelegatingHandler(new HttpClientHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && uri.Authority == publicBase.Authority)
        {
            request.RequestUri = new Uri(server, uri.PathAndQuery);
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A page fetched over HTTP and parsed as a browser would.</summary>
public sealed record WebPage(HttpStatusCode Status, string ContentType, string Html, IHtmlDocument Document, HttpResponseMessage Response)
{
    public string? Meta(string name) =>
        Document.QuerySelector($"meta[name='{name}']")?.GetAttribute("content")
        ?? Document.QuerySelector($"meta[property='{name}']")?.GetAttribute("content");

    public string? Canonical => Document.QuerySelector("link[rel=canonical]")?.GetAttribute("href");

    /// <summary>Every JSON-LD block, parsed (a block that is not valid JSON fails the test here).</summary>
    public IReadOnlyList<JsonElement> JsonLd =>
        [.. Document.QuerySelectorAll("script[type='application/ld+json']").Select(s => JsonDocument.Parse(s.TextContent).RootElement.Clone())];

    public string Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}

/// <summary>Fetching pages, and arranging public shows for them.</summary>
public static class WebPages
{
    private static readonly HtmlParser Parser = new();

    /// <summary>What a browser asks for when it follows a link.</summary>
    public const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    public static async Task<WebPage> PageAsync(this HttpClient client, string path, string accept = BrowserAccept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        return new WebPage(response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", html,
            await Parser.ParseDocumentAsync(html), response);
    }

    /// <summary>A published podcast with one processed, published episode (with chapters); returns both ids.</summary>
    public static async Task<(string PodcastId, string EpisodeId)> PublicShowAsync(TestUser owner, string title = "The Web Show",
        string episodeTitle = "First light")
    {
        var podcastId = await FeedTestSupport.PublishedPodcastAsync(owner, title);
        var episodeId = await FeedTestSupport.ProcessedEpisodeAsync(owner, podcastId,
            await TestMedia.Mp3WithChaptersAsync($"web-{Guid.NewGuid():N}.mp3", 4));
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            title = episodeTitle,
            description = "We talk about **dawn**. See [the notes](https://example.com/notes).",
            episode_number = 1,
        })).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        return (podcastId, episodeId);
    }
}
