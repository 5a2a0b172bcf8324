namespace Airwave.Catalog.Feeds;

/// <summary>
/// The Podcast Taxonomy Project's groups and roles, which podcast:person's <c>group</c> and <c>role</c> refer to.
/// The namespace matches them without regard to case; Airwave stores and writes them lower-case. The published
/// list spells one role "Translater"; both that and "translator" are accepted.
/// </summary>
internal static class PersonTaxonomy
{
    public static readonly IReadOnlyDictionary<string, string[]> RolesByGroup = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["creative direction"] = ["director", "assistant director", "executive producer", "senior producer", "producer", "associate producer",
            "development producer", "creative director"],
        ["cast"] = ["host", "co-host", "guest host", "guest", "voice actor", "narrator", "announcer", "reporter"],
        ["writing"] = ["author", "editorial director", "co-writer", "writer", "songwriter", "guest writer", "story editor", "managing editor",
            "script editor", "script coordinator", "researcher", "editor", "fact checker", "translator", "translater", "transcriber", "logger"],
        ["audio production"] = ["studio coordinator", "technical director", "technical manager", "audio engineer", "remote recording engineer",
            "post production engineer"],
        ["audio post-production"] = ["audio editor", "sound designer", "foley artist", "composer", "theme music", "music production",
            "music contributor"],
        ["administration"] = ["production coordinator", "booking coordinator", "production assistant", "content manager", "marketing manager",
            "sales representative", "sales manager"],
        ["visuals"] = ["graphic designer", "cover art designer"],
        ["community"] = ["social media manager"],
        ["misc."] = ["consultant", "intern"],
        ["video production"] = ["camera operator", "lighting designer", "camera grip", "assistant camera"],
        ["video post-production"] = ["editor", "assistant editor"],
    };

    private static readonly HashSet<string> Roles = [.. RolesByGroup.Values.SelectMany(r => r)];

    /// <summary>The group in the taxonomy's lower-case spelling, or null when it is not one ("misc" is read as "misc.").</summary>
    public static string? Group(string value)
    {
        var key = value.Trim().ToLowerInvariant();
        key = key == "misc" ? "misc." : key;
        return RolesByGroup.ContainsKey(key) ? key : null;
    }

    /// <summary>The role in lower case, or null when the taxonomy has no such role.</summary>
    public static string? Role(string value)
    {
        var key = value.Trim().ToLowerInvariant();
        return Roles.Contains(key) ? key : null;
    }
}
