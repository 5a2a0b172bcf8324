namespace Airwave.Catalog.Feeds;

/// <summary>How feeds are built and served; bound from the <c>Feeds</c> configuration section.</summary>
public sealed class FeedOptions
{
    public const string Section = "Feeds";

    /// <summary>
    /// Episodes per feed page (RFC 5005 paged feeds): the feed URL is the newest page and <c>?page=N</c> the older
    /// ones. 0 (the default) serves one complete feed, which is what podcast apps and directories expect.
    /// </summary>
    public int PageSize { get; set; }

    /// <summary>How long apps and caches may reuse a feed without asking again (Cache-Control max-age).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Cache-Control header of feed answers, from <see cref="MaxAge"/>.</summary>
    internal string CacheControl => $"public, max-age={(long)MaxAge.TotalSeconds}";

    /// <summary>Memory for stored feed bodies kept in this process, in megabytes; 0 reads every body from the database.</summary>
    public int MemoryCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// How often the announcer looks for scheduled episodes whose time has come. It also wakes at the exact time of
    /// the next one it knows of; this interval bounds the delay for episodes scheduled by another process.
    /// </summary>
    public TimeSpan ScheduleCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal bool IsValid(out string problem)
    {
        problem = PageSize < 0 || PageSize > 10_000 ? "Feeds:PageSize must be 0 (one complete feed) or between 1 and 10000."
            : MaxAge < TimeSpan.Zero || MaxAge > TimeSpan.FromDays(1) ? "Feeds:MaxAge must be between 00:00:00 and 1.00:00:00."
            : MemoryCacheMegabytes < 0 ? "Feeds:MemoryCacheMegabytes must be 0 or more."
            : ScheduleCheckInterval < TimeSpan.FromSeconds(1) || ScheduleCheckInterval > TimeSpan.FromHours(1)
                ? "Feeds:ScheduleCheckInterval must be between 00:00:01 and 01:00:00."
            : "";
        return problem.Length == 0;
    }
}

/// <summary>Stops the server at start with the offending Feeds setting named.</summary>
internal sealed class FeedOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<FeedOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FeedOptions options) =>
        options.IsValid(out var problem)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem);
}
