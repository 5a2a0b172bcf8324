using System.Security.Claims;
using Airwave.Catalog.Data;
using Airwave.Core.Http;
using Airwave.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Airwave.Catalog.Features;

/// <summary>
/// Who may see and change what. The public sees published podcasts and their published episodes; the owner and
/// admins see everything. A caller who may not see a thing gets 404 (its existence is not revealed); one who may
/// see it but not change it gets 403.
/// </summary>
internal static class CatalogAccess
{
    public static bool Manages(this ClaimsPrincipal user, PodcastRow podcast) => user.CanManage(podcast.OwnerId);

    public static bool CanView(this ClaimsPrincipal user, PodcastRow podcast, DateTimeOffset now) =>
        podcast.IsPublicAt(now) || (user.HasScope(Scopes.Read) && user.Manages(podcast));

    public static bool CanView(this ClaimsPrincipal user, PodcastRow podcast, EpisodeRow episode, DateTimeOffset now) =>
        (user.HasScope(Scopes.Read) && user.Manages(podcast)) || (podcast.IsPublicAt(now) && episode.PublishedAt <= now);

    /// <summary>Null when <paramref name="user"/> may change the podcast, otherwise the answer to give.</summary>
    public static ProblemHttpResult? DenyChange(this ClaimsPrincipal user, PodcastRow? podcast, DateTimeOffset now) =>
        podcast is null || !user.CanView(podcast, now) ? Problems.NotFound("The podcast")
        : !user.Manages(podcast) ? Problems.Forbidden("Only the podcast's owner can change it.")
        : null;

    /// <summary>Null when <paramref name="user"/> may change the episode, otherwise the answer to give.</summary>
    public static ProblemHttpResult? DenyChange(this ClaimsPrincipal user, PodcastRow? podcast, EpisodeRow? episode, DateTimeOffset now) =>
        podcast is null || episode is null || !user.CanView(podcast, episode, now) ? Problems.NotFound("The episode")
        : !user.Manages(podcast) ? Problems.Forbidden("Only the podcast's owner can change its episodes.")
        : null;
}
