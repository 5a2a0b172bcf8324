using System.Security.Cryptography;
using System.Text.Json;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Media.Contracts;
using Microsoft.Net.Http.Headers;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/episodes/{episodeId}/chapters.json</c>: the episode's chapters as a Podcasting 2.0 JSON chapters file
/// (version 1.2), which the feed links with podcast:chapters when the episode has no chapters URL of its own. The
/// chapters the creator wrote (PATCH <c>chapters</c>, the studio's chapters editor) when there are any, else the ones
/// embedded in the delivered media: the creator's are the later, deliberate word. Public for public episodes and
/// cacheable (ETag, 304); 404 when there are none.
/// A premium episode's chapters, like its audio, answer the owner and the podcast's subscribers (<c>?token=</c>).
/// </summary>
internal static class EpisodeChapters
{
    public const string ContentType = "application/json+chapters";

    public static string PathOf(Guid episodeId) => $"/api/v1/episodes/{episodeId}/chapters.json";

    /// <summary>Whether the episode has chapters to serve: written by the creator, or embedded in its live media.</summary>
    public static bool Served(EpisodeRow episode) =>
        episode.Chapters is not null || (episode.MediaChapters > 0 && episode.LiveAssetId is not null);

    /// <summary>
    /// The chapters the episode shows, in order: the creator's when written, else those of the media (the caller reads
    /// them only then, which costs a media lookup). Untitled embedded chapters are numbered.
    /// </summary>
    public static async Task<IReadOnlyList<Listed>> ListAsync(EpisodeRow episode, IMediaService media, CancellationToken cancellationToken)
    {
        if (FeedJson.List<Chapter>(episode.Chapters) is { Count: > 0 } written)
        {
            return [.. written.Select(c => new Listed(c, null))];
        }

        var embedded = episode.LiveAssetId is { } assetId ? (await media.GetStatusAsync(assetId, cancellationToken))?.Source?.Chapters : null;
        return [.. (embedded ?? []).OrderBy(c => c.StartMs).Select((c, i) => new Listed(
            new Chapter(Math.Round(c.StartMs / 1000.0, 3), string.IsNullOrWhiteSpace(c.Title) ? $"Chapter {i + 1}" : c.Title.Trim(), null, null),
            c.EndMs > c.StartMs ? Math.Round(c.EndMs / 1000.0, 3) : null))];
    }

    /// <summary>A chapter as served, with its end when the audio's chapter marks give one.</summary>
    internal sealed record Listed(Chapter Chapter, double? EndTime);

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
        var (found, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (found is not { } episode || podcast is null
            || !await PrivateFeedTokens.AllowsAsync(user, podcast, episode, token, subscribers, now, cancellationToken))
        {
            return Problems.NotFound("The episode");
        }

        var chapters = await ListAsync(episode, media, cancellationToken);
        if (chapters.Count == 0)
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
    internal static byte[] Write(EpisodeRow episode, PodcastRow podcast, IReadOnlyList<Listed> chapters)
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
            foreach (var (chapter, end) in chapters)
            {
                json.WriteStartObject();
                json.WriteNumber("startTime", chapter.StartTime ?? 0);
                if (end is { } endTime)
                {
                    json.WriteNumber("endTime", endTime);
                }

                json.WriteString("title", chapter.Title);
                if (chapter.Img is not null)
                {
                    json.WriteString("img", chapter.Img);
                }

                if (chapter.Url is not null)
                {
                    json.WriteString("url", chapter.Url);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
