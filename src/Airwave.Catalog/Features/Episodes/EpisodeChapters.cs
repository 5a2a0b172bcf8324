using System.Security.Cryptography;
using System.Text.Json;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Media.Contracts;
using Microsoft.Net.Http.Headers;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/episodes/{episodeId}/chapters.json</c>: the chapters embedded in the episode's delivered media, as
/// a Podcasting 2.0 JSON chapters file (version 1.2), which the feed links with podcast:chapters when the episode has
/// no chapters URL of its own. Public for public episodes and cacheable (ETag, 304); 404 when the media has none.
/// A premium episode's chapters, like its audio, answer the owner and the podcast's subscribers (<c>?token=</c>).
/// </summary>
internal static class EpisodeChapters
{
    public const string ContentType = "application/json+chapters";

    public static string PathOf(Guid episodeId) => $"/api/v1/episodes/{episodeId}/chapters.json";

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapMethods("/episodes/{episodeId:guid}/chapters.json", ["GET", "HEAD"], GetAsync)
            .AllowAnonymous()
            .WithName("GetEpisodeChapters")
            .WithSummary("The chapters in the episode's audio, as a Podcasting 2.0 JSON chapters file")
            .Produces(StatusCodes.Status200OK, contentType: ContentType);

    private static async Task<IResult> GetAsync(Guid episodeId, string? token, ClaimsPrincipal user, HttpContext http, PodcastStore podcasts,
        EpisodeStore episodes, SubscriberStore subscribers, IMediaService media, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (podcast is null || !await PrivateFeedTokens.AllowsAsync(user, podcast, episode!, token, subscribers, now, cancellationToken))
        {
            return Problems.NotFound("The episode");
        }

        var chapters = episode!.LiveAssetId is { } assetId ? (await media.GetStatusAsync(assetId, cancellationToken))?.Source?.Chapters : null;
        if (chapters is not { Count: > 0 })
        {
            return Problems.NotFound("The episode's chapters");
        }

        var body = Write(episode, podcast, chapters);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"");
        var isPublic = CatalogChanges.InFeed(podcast, episode, now) && !episode.Premium;
        http.Response.Headers.CacheControl = isPublic ? "public, max-age=3600" : "private, no-cache";
        http.Response.Headers.ETag = etag.ToString();
        var match = http.Request.GetTypedHeaders().IfNoneMatch;
        if (match.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(body, ContentType);
    }

    /// <summary>The JSON chapters format names its fields in camelCase, unlike the rest of the API.</summary>
    internal static byte[] Write(EpisodeRow episode, PodcastRow podcast, IReadOnlyList<MediaChapter> chapters)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.2.0");
            json.WriteString("title", episode.Title);
            json.WriteString("podcastName", podcast.Title);
            json.WriteString("author", podcast.Author);
            json.WriteStartArray("chapters");
            foreach (var (chapter, index) in chapters.OrderBy(c => c.StartMs).Select((c, i) => (c, i)))
            {
                json.WriteStartObject();
                json.WriteNumber("startTime", Math.Round(chapter.StartMs / 1000.0, 3));
                if (chapter.EndMs > chapter.StartMs)
                {
                    json.WriteNumber("endTime", Math.Round(chapter.EndMs / 1000.0, 3));
                }

                json.WriteString("title", string.IsNullOrWhiteSpace(chapter.Title) ? $"Chapter {index + 1}" : chapter.Title);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
