using System.Text.Json;
using Airwave.Catalog.Data;
using Airwave.Catalog.Import;

namespace Airwave.Catalog.Features.Import;

/// <summary>
/// <c>POST /api/v1/podcasts/import</c> brings an existing show from its feed URL (see <see cref="PodcastImporter"/>):
/// 201 with the new draft podcast's import, or 200 when the same creator imported this feed before and only new
/// episodes were added. <c>GET /api/v1/imports/{importId}</c> follows its downloads and processing.
/// </summary>
internal static class ImportPodcast
{
    internal sealed record Request(string? FeedUrl);

    internal sealed record ImportProgressResponse(long DownloadsPending, long Downloading, long Downloaded, long DownloadsFailed, long Processed,
        long ProcessingFailed, long BytesDownloaded);

    internal sealed record ImportItemResponse(Guid EpisodeId, int Position, string AudioUrl, string State, long? BytesTotal, long BytesDone,
        string? Error);

    /// <param name="Status">"running" while downloads or processing are under way, then "finished".</param>
    internal sealed record ImportResponse(Guid Id, Guid PodcastId, string FeedUrl, string Status, int ItemsInFeed, int ItemsNew,
        IReadOnlyList<string> Warnings, ImportProgressResponse Progress, IReadOnlyList<ImportItemResponse> Items, DateTimeOffset CreatedAt);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/podcasts/import", StartAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("ImportPodcast")
            .WithSummary("Import an existing show from its RSS feed (episodes, artwork, audio)");
        api.MapGet("/imports/{importId:guid}", GetAsync)
            .RequireAuthorization(Policies.Read)
            .WithName("GetPodcastImport")
            .WithSummary("Where an import stands: new episodes, downloads, processing, warnings");
    }

    private static async Task<Results<Created<ImportResponse>, Ok<ImportResponse>, ValidationProblem, ProblemHttpResult>> StartAsync(
        Request request, ClaimsPrincipal user, PodcastImporter importer, ImportStore imports, CancellationToken cancellationToken)
    {
        if (!user.HasRole(Roles.Creator) && !user.IsAdmin())
        {
            return Problems.Forbidden("Only creator accounts can import podcasts.");
        }

        var started = await importer.StartAsync(user.UserId()!.Value, request.FeedUrl, cancellationToken);
        if (started.Import is not { } import)
        {
            return started.Status switch
            {
                StatusCodes.Status400BadRequest => Problems.Validation(started.Field!, started.Problem!),
                StatusCodes.Status403Forbidden => Problems.Forbidden(started.Field is null ? started.Problem! : $"The feed {started.Problem}"),
                _ => TypedResults.Problem(statusCode: started.Status, title: "The feed cannot be imported", detail: $"The feed {started.Problem}",
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [started.Field!] = [started.Problem!] } }),
            };
        }

        var response = await ResponseAsync(import, imports, cancellationToken);
        return started.Status == StatusCodes.Status201Created
            ? TypedResults.Created($"/api/v1/imports/{import.Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> GetAsync(Guid importId, ClaimsPrincipal user, ImportStore imports,
        CancellationToken cancellationToken)
    {
        var import = await imports.FindAsync(importId, cancellationToken);
        if (import is null || !user.CanManage(import.OwnerId))
        {
            return Problems.NotFound("The import");
        }

        return TypedResults.Ok(await ResponseAsync(import, imports, cancellationToken));
    }

    public static async Task<ImportResponse> ResponseAsync(ImportRow import, ImportStore imports, CancellationToken cancellationToken)
    {
        var progress = await imports.ProgressAsync(import.Id, cancellationToken);
        var items = await imports.ListItemsAsync(import.Id, cancellationToken);
        return new ImportResponse(import.Id, import.PodcastId, import.FeedUrl, progress.IsFinished(import.ItemsNew) ? "finished" : "running", import.ItemsInFeed, import.ItemsNew,
            JsonSerializer.Deserialize<string[]>(import.Warnings)!,
            new ImportProgressResponse(progress.Pending, progress.Downloading, progress.Stored, progress.DownloadFailed, progress.Processed,
                progress.ProcessingFailed, progress.BytesDone),
            [.. items.Select(i => new ImportItemResponse(i.EpisodeId, i.Position, i.AudioUrl, i.State, i.BytesTotal, i.BytesDone, i.Error))],
            import.CreatedAt);
    }
}
