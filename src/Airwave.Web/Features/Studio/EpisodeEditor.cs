using Airwave.Catalog.Contracts;
using Airwave.Web.Pages.Studio;
using Airwave.Web.Seo;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// <c>GET /studio/episodes/{id}</c>: an episode's audio upload, live processing status, loudness report and publishing.
/// The page is rendered on the server; <c>studio-upload.js</c> then talks to the API with the session cookie: the tus
/// endpoints (create, PATCH chunks, HEAD to resume), the processing events stream and the publish endpoint. The API
/// asks for no antiforgery header on cookie sessions: the SameSite=Strict session cookie is never sent cross-site, and
/// the tus and JSON requests need headers and content types a cross-site form cannot send. Another creator's episode is 404.
/// </summary>
internal static class EpisodeEditor
{
    public static string EpisodePath(Guid id) => $"/studio/episodes/{id}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/studio/episodes/{episodeId:guid}", PageAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> PageAsync(Guid episodeId, HttpContext http, IStudioEditor editor, CancellationToken cancellationToken)
    {
        if (StudioAccess.Deny(http) is { } denied)
        {
            return denied;
        }

        StudioEndpoints.NoStore(http);
        if (await editor.FindOwnEpisodeAsync(http.User, episodeId, cancellationToken) is not { } episode)
        {
            return Site.NotFound(http);
        }

        var meta = new PageMeta(episode.Title, "Upload, check and publish an episode in the Airwave studio.",
            http.Absolute(EpisodePath(episodeId))) { NoIndex = true };
        return Site.Render<EpisodeEditPage>(http, new { Meta = meta, Episode = episode });
    }
}
