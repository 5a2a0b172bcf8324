namespace Airwave.Catalog.Podcasts;

/// <summary>
/// Apple Podcasts' category list (19 categories, 110 entries in all, as published by Apple since 2019).
/// Feeds must use these exact spellings; input is matched without regard to case and stored in Apple's spelling.
/// </summary>
internal static class AppleCategories
{
    public static readonly IReadOnlyDictionary<string, string[]> All = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Arts"] = ["Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"],
        ["Business"] = ["Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"],
        ["Comedy"] = ["Comedy Interviews", "Improv", "Stand-Up"],
        ["Education"] = ["Courses", "How To", "Language Learning", "Self-Improvement"],
        ["Fiction"] = ["Comedy Fiction", "Drama", "Science Fiction"],
        ["Government"] = [],
        ["History"] = [],
        ["Health & Fitness"] = ["Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"],
        ["Kids & Family"] = ["Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"],
        ["Leisure"] = ["Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games"],
        ["Music"] = ["Music Commentary", "Music History", "Music Interviews"],
        ["News"] = ["Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News", "Tech News"],
        ["Religion & Spirituality"] = ["Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"],
        ["Science"] = ["Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences", "Nature", "Physics", "Social Sciences"],
        ["Society & Culture"] = ["Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"],
        ["Sports"] = ["Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"],
        ["Technology"] = [],
        ["True Crime"] = [],
        ["TV & Film"] = ["After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"],
    };

    /// <summary>Apple's spelling of <paramref name="category"/>, or null when it is not an Apple category.</summary>
    public static string? Canonical(string? category) =>
        All.Keys.FirstOrDefault(c => string.Equals(c, category?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Apple's spelling of <paramref name="subcategory"/> within <paramref name="category"/>, or null.</summary>
    public static string? CanonicalSubcategory(string category, string? subcategory) =>
        All.TryGetValue(category, out var subcategories)
            ? subcategories.FirstOrDefault(s => string.Equals(s, subcategory?.Trim(), StringComparison.OrdinalIgnoreCase))
            : null;

    /// <summary>Validates a category pair, adding reasons to <paramref name="errors"/>; returns Apple's spellings.</summary>
    public static (string? Category, string? Subcategory) Validate(string? category, string? subcategory, Core.Http.FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(category))
        {
            errors.Add("category", "is required: one of Apple Podcasts' categories, such as Technology or Arts");
            return (null, null);
        }

        var canonical = Canonical(category);
        if (canonical is null)
        {
            errors.Add("category", $"'{category}' is not an Apple Podcasts category; use one of: {string.Join(", ", All.Keys)}");
            return (null, null);
        }

        if (string.IsNullOrWhiteSpace(subcategory))
        {
            return (canonical, null);
        }

        var canonicalSub = CanonicalSubcategory(canonical, subcategory);
        if (canonicalSub is null)
        {
            errors.Add("subcategory", All[canonical].Length == 0
                ? $"'{canonical}' has no subcategories"
                : $"'{subcategory}' is not a subcategory of {canonical}; use one of: {string.Join(", ", All[canonical])}");
        }

        return (canonical, canonicalSub);
    }
}
