using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>POST /api/v1/podcasts/{podcastId}/episodes/upload</c>: starts a resumable (tus) upload of an episode's audio.
/// Two ways in:
/// <list type="bullet">
/// <item>a tus creation request (Tus-Resumable, Upload-Length, Upload-Metadata with optional <c>episodeId</c>,
/// <c>filename</c>, <c>title</c>; creation-with-upload may carry the first bytes) answered 201 with Location;</item>
/// <item>a JSON request <c>{"size", "filename", "episode_id"}</c> answered 201 with the tus URL to send the file to.</item>
/// </list>
/// Without an episode id a new draft episode is created, titled from the file name.
/// </summary>
internal static class UploadEpisodeMedia
{
    /// <param name="Direct">Upload straight to S3-compatible storage in parts (pre-signed URLs) instead of with tus.</param>
    internal sealed record Request(long? Size, string? Filename, Guid? EpisodeId, string? Title, bool? Direct = null);

    /// <param name="Direct">For a direct upload: the part URLs and the complete call; otherwise null.</param>
    internal sealed record Response(Guid UploadId, string UploadUrl, Guid EpisodeId, string TusResumable, DirectUpload? Direct);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/podcasts/{podcastId:guid}/episodes/upload", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .Accepts<Request>("application/json")
            .Produces<Response>(StatusCodes.Status201Created)
            .WithName("StartEpisodeUpload")
            .WithSummary("Start a resumable (tus 1.0.0) upload of an episode's audio");

    private static async Task<IResult> HandleAsync(Guid podcastId, HttpContext http, ClaimsPrincipal user, PodcastStore podcasts,
        EpisodeStore episodes, IMediaService media, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, now) is { } denied)
        {
            return denied;
        }

        var isTus = http.Request.Headers.ContainsKey("Tus-Resumable");
        if (isTus && http.Request.Headers["Tus-Resumable"] != "1.0.0")
        {
            http.Response.Headers["Tus-Version"] = "1.0.0";
            return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Unsupported tus version",
                detail: "Send Tus-Resumable: 1.0.0.");
        }

        if (!isTus && http.Request.ContentLength > 0 && !http.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: "Start an upload with a tus creation request (Tus-Resumable, Upload-Length) or a JSON body.");
        }
        Request? request;
        try
        {
            request = isTus ? FromTusHeaders(http.Request) : await FromJsonAsync(http, cancellationToken);
        }
        catch (JsonException e)
        {
            return Problems.Validation(e.Path is { Length: > 2 } path ? path[2..] : "body",
                e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a known field" : "is not valid JSON or has the wrong type");
        }

        if (request is null)
        {
            return Problems.Validation("Upload-Metadata", "must be comma-separated 'key base64value' pairs with unique keys");
        }

        if (request.Size is not { } size)
        {
            return isTus
                ? Problems.Validation("Upload-Length", "is required: the size of the whole file in bytes")
                : Problems.Validation("size", "is required: the size of the whole file in bytes");
        }

        if (request.Direct == true && !media.SupportsDirectUploads)
        {
            return Problems.Validation("direct", "needs S3-compatible storage on the server (Storage:Provider = s3); upload with tus instead");
        }

        if (size < 0 || (size == 0 && request.Direct == true))
        {
            return Problems.Validation(isTus ? "Upload-Length" : "size", size < 0 ? "must be 0 or more bytes" : "must be at least 1 byte for a direct upload");
        }

        if (media.UploadSizeProblem(size) is { } sizeProblem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large", detail: $"The file {sizeProblem}.");
        }

        var episode = request.EpisodeId is { } episodeId ? await episodes.FindAsync(episodeId, cancellationToken) : null;
        if (request.EpisodeId is not null && (episode is null || episode.PodcastId != podcastId))
        {
            return Problems.Validation(isTus ? "episodeId" : "episode_id", "is not an episode of this podcast");
        }

        if (episode is { ProcessedStatus: ProcessedStatus.Processing })
        {
            return Problems.Conflict("The episode's previous upload is still being processed; wait for it to finish.");
        }

        episode ??= await CreateDraftAsync(podcast!, request, episodes, now, cancellationToken);
        var tags = new MediaDetails(episode.Title, podcast!.Author, podcast.Title, now.Year.ToString(CultureInfo.InvariantCulture), null,
            episode.CoverImageKey ?? podcast.CoverImageKey, podcast.NormalizeLoudness, podcast.LoudnessTargetLufs);
        var started = await media.StartUploadAsync(user.UserId()!.Value, MediaSubjects.Episode, episode.Id, size,
            isTus ? http.Request.Headers["Upload-Metadata"].ToString() : null, tags, request.Direct == true, cancellationToken);
        if (started.UploadId is not { } uploadId)
        {
            return Problems.Validation(started.Field!, started.Problem!);
        }

        await episodes.SetMediaStateAsync(episode.Id, null, size == 0 ? ProcessedStatus.Processing : ProcessedStatus.Uploading, null, null, null, null,
            now, cancellationToken);
        var location = urls.Absolute(http.Request, media.UploadPath(uploadId));
        http.Response.Headers["Airwave-Episode-Id"] = episode.Id.ToString();
        if (isTus)
        {
            return await media.AnswerCreationAsync(http, uploadId, location, cancellationToken);
        }

        var direct = started.Direct is { } d ? d with { CompletePath = urls.Absolute(http.Request, d.CompletePath) } : null;
        return TypedResults.Created(location, new Response(uploadId, location, episode.Id, "1.0.0", direct));
    }

    private static Request? FromTusHeaders(HttpRequest request)
    {
        var metadata = TusMetadata.Parse(request.Headers["Upload-Metadata"].ToString());
        if (metadata is null)
        {
            return null;
        }

        long? size = long.TryParse(request.Headers["Upload-Length"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : null;
        Guid? episodeId = metadata.TryGetValue("episodeId", out var id) && Guid.TryParse(id, out var parsed) ? parsed
            : metadata.ContainsKey("episodeId") ? Guid.Empty : null;
        return new Request(size, metadata.GetValueOrDefault("filename"), episodeId, metadata.GetValueOrDefault("title"));
    }

    private static async Task<Request?> FromJsonAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength is null or 0 && http.Request.Headers.TransferEncoding.Count == 0)
        {
            return new Request(null, null, null, null);
        }

        // The same JSON rules as every endpoint (snake_case, unknown fields rejected).
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return await http.Request.ReadFromJsonAsync<Request>(options, cancellationToken) ?? new Request(null, null, null, null);
    }

    private static async Task<EpisodeRow> CreateDraftAsync(PodcastRow podcast, Request request, EpisodeStore episodes, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var title = request.Title ?? Path.GetFileNameWithoutExtension(request.Filename ?? "");
        var id = Guid.CreateVersion7(now);
        var row = new EpisodeRow
        {
            Id = id,
            PodcastId = podcast.Id,
            Guid = id.ToString(),
            Title = string.IsNullOrWhiteSpace(title) ? "Untitled episode" : title.Trim()[..Math.Min(title.Trim().Length, 255)],
            Description = "",
            EpisodeType = "full",
            Explicit = podcast.Explicit,
            ProcessedStatus = ProcessedStatus.AwaitingUpload,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await episodes.TryInsertAsync(row, cancellationToken);
        return row;
    }

}
