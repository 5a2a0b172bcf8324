namespace Airwave.Catalog.Data;

/// <summary>
/// The SQL twins of <see cref="PodcastRow.IsPublicAt"/> and <see cref="EpisodeRow.IsOutAt"/>: what the public may
/// see, in one place, so a new condition (a takedown, ADR 0018) reaches every list, feed and announcement at once.
/// Both expect the current time as <c>@now</c>; <c>alias</c> is the table prefix (<c>"e."</c>) or empty.
/// </summary>
internal static class Visibility
{
    public static string PublicPodcast(string alias) =>
        $"{alias}published_at IS NOT NULL AND {alias}published_at <= @now AND {alias}taken_down_at IS NULL";

    public static string OutEpisode(string alias) =>
        $"{alias}published_at IS NOT NULL AND {alias}published_at <= @now AND {alias}taken_down_at IS NULL";
}
