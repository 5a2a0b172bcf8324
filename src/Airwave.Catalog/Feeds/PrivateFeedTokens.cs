using System.Buffers;
using Airwave.Catalog.Data;
using Airwave.Catalog.Features;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// The secrets in private feed URLs: made like API tokens (<see cref="OpaqueSecrets"/>: 256 random bits, base64url, a
/// kind prefix for secret scanners), stored only as their SHA-256. A token belongs to one subscription of one
/// podcast, so a request names the podcast and the token and finds the row by an indexed hash lookup.
/// </summary>
internal static class PrivateFeedTokens
{
    public const string Prefix = "aw_pf_";

    /// <summary>The prefix and 43 base64url characters (32 bytes without padding).</summary>
    public const int Length = 6 + 43;

    /// <summary>Characters of the token shown in lists, so a creator can tell URLs apart without holding them.</summary>
    public const int DisplayLength = 12;

    private static readonly SearchValues<char> Base64Url = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string Create() => OpaqueSecrets.Create(Prefix);

    public static string Hash(string token) => OpaqueSecrets.Hash(token);

    public static string DisplayPrefix(string token) => token[..DisplayLength];

    /// <summary>Shaped like a token this server hands out: anything else is refused without asking the database.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.StartsWith(Prefix, StringComparison.Ordinal)
        && !token.AsSpan(Prefix.Length).ContainsAnyExcept(Base64Url);

    /// <summary>
    /// May this request fetch the episode's audio (or chapters)? Whoever may see the episode may (the public for a
    /// public episode, the owner and admins for any); a premium episode that is out also to the holder of an
    /// active subscriber token of its podcast.
    /// </summary>
    public static async Task<bool> AllowsAsync(ClaimsPrincipal user, PodcastRow podcast, EpisodeRow episode, string? token, SubscriberStore subscribers,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        user.CanView(podcast, episode, now)
        || (episode.Premium && CatalogAccess.IsOutFor(podcast, episode, now) && IsWellFormed(token)
            && await subscribers.FindActiveAsync(podcast.Id, Hash(token!), cancellationToken) is not null);
}
