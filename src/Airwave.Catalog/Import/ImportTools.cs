using System.Text.Json;
using Airwave.Accounts.Contracts;
using Airwave.Catalog.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Catalog.Import;

/// <summary>A started import, as the CLI shows it.</summary>
public sealed record ImportSummary(Guid ImportId, Guid PodcastId, bool NewPodcast, int ItemsInFeed, int ItemsNew, IReadOnlyList<string> Warnings);

/// <summary>How far an import's downloads and processing got.</summary>
public sealed record ImportStatus(int ItemsNew, long Downloaded, long DownloadsFailed, long Processed, long ProcessingFailed, long BytesDownloaded,
    bool Finished);

/// <summary>The import as the CLI (<c>airwave podcasts import</c>) uses it: the same code path as the API.</summary>
public static class ImportTools
{
    /// <summary>Starts an import for the creator with <paramref name="ownerEmail"/>; the summary, or why not.</summary>
    public static async Task<(ImportSummary? Summary, string? Problem)> StartAsync(IServiceProvider services, string ownerEmail, string feedUrl,
        CancellationToken cancellationToken)
    {
        var user = await services.GetRequiredService<IUserDirectory>().FindByEmailAsync(ownerEmail, cancellationToken);
        if (user is null || user.Role is not (Roles.Creator or Roles.Admin))
        {
            return (null, $"There is no active creator account with the email {ownerEmail}.");
        }

        var started = await services.GetRequiredService<PodcastImporter>().StartAsync(user.Id, feedUrl, cancellationToken);
        if (started.Import is not { } import)
        {
            return (null, started.Field is null ? started.Problem : $"The feed {started.Problem}");
        }

        return (new ImportSummary(import.Id, import.PodcastId, started.Status == StatusCodes.Status201Created, import.ItemsInFeed, import.ItemsNew,
            JsonSerializer.Deserialize<string[]>(import.Warnings)!), null);
    }

    /// <summary>Progress only (one query), for a progress bar polled several times a second.</summary>
    public static async Task<ImportStatus> StatusAsync(IServiceProvider services, Guid importId, CancellationToken cancellationToken)
    {
        var imports = services.GetRequiredService<ImportStore>();
        var import = await imports.FindAsync(importId, cancellationToken) ?? throw new InvalidOperationException($"Import {importId} does not exist.");
        var progress = await imports.ProgressAsync(import.Id, cancellationToken);
        return new ImportStatus(import.ItemsNew, progress.Stored, progress.DownloadFailed, progress.Processed, progress.ProcessingFailed,
            progress.BytesDone, progress.IsFinished(import.ItemsNew));
    }
}
