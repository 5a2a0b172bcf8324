using System.Text.Json;
using Airwave.Accounts.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Podcasts;
using Airwave.Catalog.Text;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.Core.Jobs;
using Airwave.Core.Text;
using Airwave.Media.Contracts;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Import;

/// <summary>The started import, or why it could not start (HTTP status, the request field at fault, the reason).</summary>
internal sealed record ImportStart(ImportRow? Import, int Status = StatusCodes.Status201Created, string? Field = null, string? Problem = null);

/// <summary>
/// Brings an existing show to Airwave from its feed. Starting an import reads the feed at once (so a wrong URL, a
/// document that is not a feed or a locked feed is answered straight away), then creates the podcast (a draft, for
/// the creator to check before publishing) and every episode whose guid is new, with the original guid, date, notes,
/// numbers and flags — all in one transaction together with one durable job per episode that downloads its artwork and
/// audio into the processing pipeline (<see cref="ImportEpisodeJob"/>). The show's artwork is fetched before the
/// transaction, so every episode's audio can embed it. Re-running the import
/// of the same feed by the same creator adds only the episodes that are new.
/// </summary>
internal sealed class PodcastImporter(
    ImportDownloads downloads,
    ImportStore imports,
    PodcastStore podcasts,
    IUserDirectory users,
    IMediaService media,
    Database database,
    JobQueue jobs,
    EventOutbox outbox,
    IOptions<ImportOptions> options,
    TimeProvider clock)
{
    /// <summary>Where the fallback category of a show whose feed names none Apple knows comes from.</summary>
    public const string FallbackCategory = "Society & Culture";

    public async Task<ImportStart> StartAsync(Guid userId, string? feedUrl, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(feedUrl) || WebUrl.Problem(feedUrl) is not null || FeedValues.HttpUrl(feedUrl) is not { } url)
        {
            return new ImportStart(null, StatusCodes.Status400BadRequest, "feed_url", "must be an absolute http or https URL of an RSS feed");
        }

        var user = await users.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return new ImportStart(null, StatusCodes.Status403Forbidden, null, "The account no longer exists or is disabled.");
        }

        byte[] xml;
        try
        {
            xml = await downloads.GetBytesAsync(url, options.Value.MaxFeedBytes, cancellationToken);
        }
        catch (ImportDownloadException e)
        {
            return new ImportStart(null, StatusCodes.Status422UnprocessableEntity, "feed_url", $"could not be read: {e.Message}");
        }

        var (feed, problem) = ImportFeedReader.Read(new MemoryStream(xml));
        if (feed is null)
        {
            return new ImportStart(null, StatusCodes.Status422UnprocessableEntity, "feed_url", problem);
        }

        if (LockProblem(feed.Channel, user.Email) is { } locked)
        {
            return new ImportStart(null, StatusCodes.Status403Forbidden, "feed_url", locked);
        }

        var now = clock.GetUtcNow();
        var warnings = feed.Warnings.ToList();
        var existingPodcastId = await imports.FindImportedPodcastAsync(userId, url, cancellationToken);
        var existing = existingPodcastId is { } id ? await podcasts.FindAsync(id, cancellationToken) : null;
        var podcast = existing ?? NewPodcast(feed.Channel, url, user, now, warnings) with
        {
            CoverImageKey = await CoverAsync(feed.Channel.ImageUrl, "The show's artwork", warnings, cancellationToken),
        };
        var known = existing is null ? new HashSet<string>(StringComparer.Ordinal) : await imports.EpisodeGuidsAsync(existing.Id, cancellationToken);

        var importId = Guid.CreateVersion7(now);
        var episodes = new List<(EpisodeRow Episode, ImportItemRow Item)>();
        foreach (var (item, index) in feed.Items.Select((item, index) => (item, index)))
        {
            if (known.Contains(item.Guid))
            {
                continue;
            }

            if (EpisodeRules.GuidProblem(item.Guid) is { } guidProblem)
            {
                warnings.Add($"Item \"{item.Title}\" has a guid that {guidProblem}; skipped.");
                continue;
            }

            var episode = NewEpisode(item, podcast.Id, now, warnings);
            episodes.Add((episode, new ImportItemRow
            {
                ImportId = importId,
                EpisodeId = episode.Id,
                Position = index + 1,
                AudioUrl = item.Enclosure.Url,
                ImageUrl = item.ImageUrl,
                State = ImportItemStates.Pending,
                BytesTotal = item.Enclosure.Length,
                UpdatedAt = now,
            }));
        }

        var import = new ImportRow
        {
            Id = importId,
            OwnerId = userId,
            PodcastId = podcast.Id,
            FeedUrl = url,
            ItemsInFeed = feed.Items.Count,
            ItemsNew = episodes.Count,
            Warnings = JsonSerializer.Serialize(warnings),
            CreatedAt = now,
        };
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (existing is null)
            {
                await PodcastStore.InsertAsync(connection, transaction, podcast, cancellationToken);
            }

            foreach (var (episode, _) in episodes)
            {
                await EpisodeStore.InsertAsync(connection, transaction, episode, cancellationToken);
            }

            await ImportStore.InsertAsync(connection, transaction, import, episodes.Select(e => e.Item), cancellationToken);
            foreach (var (episode, item) in episodes)
            {
                await jobs.EnqueueAsync(connection, transaction, ImportEpisodeJob.Kind, episode.Id.ToString(),
                    ImportEpisodeJob.Payload(importId, episode.Id), maxAttempts: 8, cancellationToken);
            }

            return 0;
        }, cancellationToken);
        outbox.Wake();
        return new ImportStart(import, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>
    /// Fetches artwork and stores it as a cover set; null (with a warning saying why) when there is none or it cannot be
    /// used, since a show or episode without artwork is still worth importing.
    /// </summary>
    public async Task<string?> CoverAsync(string? imageUrl, string what, List<string> warnings, CancellationToken cancellationToken)
    {
        if (imageUrl is null)
        {
            return null;
        }

        try
        {
            var picture = await downloads.GetBytesAsync(imageUrl, options.Value.MaxImageBytes, cancellationToken);
            var cover = await media.StoreCoverAsync(new MemoryStream(picture), cancellationToken);
            if (cover.CoverKey is null)
            {
                warnings.Add($"{what} ({imageUrl}) was not used: {cover.Problem}");
            }

            return cover.CoverKey;
        }
        catch (ImportDownloadException e)
        {
            warnings.Add($"{what} was not used: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// podcast:locked "yes" means the owner does not want the show moved by anyone else: the import goes ahead only
    /// for the account whose email is the lock's owner (or, without one, the feed's itunes:owner email).
    /// </summary>
    public static string? LockProblem(ImportedChannel channel, string userEmail)
    {
        if (!channel.Locked)
        {
            return null;
        }

        var owner = channel.LockedOwner ?? channel.OwnerEmail;
        return owner is not null && string.Equals(owner.Trim(), userEmail.Trim(), StringComparison.OrdinalIgnoreCase)
            ? null
            : "is locked by its owner (podcast:locked is yes): only the account with the owner's email address " +
              (owner is null ? "" : $"({Mask(owner)}) ") + "can import it. Sign in with that account, or unlock the feed at its current host first.";
    }

    /// <summary>Shows enough of the owner's address to recognise it without publishing it: t***@example.com.</summary>
    private static string Mask(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }

    private static PodcastRow NewPodcast(ImportedChannel channel, string feedUrl, UserSummary user, DateTimeOffset now, List<string> warnings)
    {
        var description = Truncated(HtmlToMarkdown.Convert(channel.DescriptionHtml), ShowNotes.MaxPodcastDescriptionBytes, "The show's description", warnings);
        var category = AppleCategories.Canonical(channel.Category);
        if (category is null)
        {
            warnings.Add($"The feed's category \"{channel.Category}\" is not one of Apple's; the show was put in \"{FallbackCategory}\". Change it before publishing.");
        }

        var language = LanguageTag.Normalize(channel.Language);
        if (language is null)
        {
            warnings.Add($"The feed's language \"{channel.Language}\" is not a language tag; \"en\" was used. Change it before publishing.");
        }

        var ownerEmail = EmailAddress.Problem(channel.OwnerEmail) is null ? channel.OwnerEmail! : user.Email;
        return new PodcastRow
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = user.Id,
            Title = Clip(channel.Title),
            Description = description.Length > 0 ? description : Clip(channel.Title),
            Author = Clip(channel.Author ?? user.DisplayName),
            OwnerName = Clip(channel.OwnerName ?? channel.Author ?? user.DisplayName),
            OwnerEmail = ownerEmail,
            Language = language ?? "en",
            Category = category ?? FallbackCategory,
            Subcategory = category is null ? null : AppleCategories.CanonicalSubcategory(category, channel.Subcategory),
            Explicit = channel.Explicit,
            PodcastType = channel.PodcastType,
            WebsiteUrl = channel.Link,
            Copyright = channel.Copyright is null ? null : Clip(channel.Copyright),
            ItunesBlock = channel.Block,
            ItunesComplete = channel.Complete,
            Locked = channel.Locked,

            // The show keeps its podcast:guid wherever it is hosted (the namespace's rule): the feed's own, or the one
            // derived from the feed URL it had, which is what apps computed for it there.
            PodcastGuid = channel.PodcastGuid ?? Feeds.PodcastGuid.ForFeedUrl(feedUrl),
            Funding = Carried("The show's funding links", e => FeedFieldRules.Funding([.. channel.Funding.Select(f => new FundingLink(f.Url, f.Label))], e),
                FeedJson.WriteList, warnings),
            Persons = Carried("The show's people", e => FeedFieldRules.Persons(Credits(channel.Persons), e), FeedJson.WriteList, warnings),
            Location = channel.Location is not { } place ? null : Carried("The show's location",
                e => FeedFieldRules.Location(new PlaceValue(place.Name, place.Geo, place.Osm), e), FeedJson.WriteObject, warnings),
            License = channel.License is not { } license ? null : Carried("The show's licence",
                e => FeedFieldRules.License(new LicenseValue(license.Identifier, license.Url), e), FeedJson.WriteObject, warnings),
            UpdateFrequency = channel.UpdateFrequency is not { } frequency ? null : Carried("The show's update frequency",
                e => FeedFieldRules.UpdateFrequency(new UpdateFrequencyValue(frequency.Rrule, frequency.Label, frequency.Complete, null), e),
                FeedJson.WriteObject, warnings),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static PersonCredit[] Credits(IReadOnlyList<ImportedPerson> persons) =>
        [.. persons.Select(p => new PersonCredit(p.Name, p.Role, p.Group, p.Img, p.Href))];

    /// <summary>
    /// A field from the feed, held to the same rules as one a creator sends (https links, known roles, limits): its
    /// stored JSON, or null with a warning saying what was left out and why.
    /// </summary>
    private static string? Carried<T>(string what, Func<FieldErrors, T> validate, Func<T, string?> write, List<string> warnings)
    {
        var errors = new FieldErrors();
        var value = validate(errors);
        if (!errors.Any)
        {
            return write(value);
        }

        warnings.Add($"{what} were not imported: " + string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}")) + ".");
        return null;
    }

    private static EpisodeRow NewEpisode(ImportedItem item, Guid podcastId, DateTimeOffset now, List<string> warnings) => new()
    {
        Id = Guid.CreateVersion7(now),
        PodcastId = podcastId,
        Guid = item.Guid.Trim(),
        Title = Clip(item.Title),
        Description = Truncated(HtmlToMarkdown.Convert(item.DescriptionHtml), ShowNotes.MaxEpisodeDescriptionBytes, $"The notes of \"{item.Title}\"", warnings),
        SeasonNumber = item.Season is > 0 ? item.Season : null,
        EpisodeNumber = item.Episode is > 0 ? item.Episode : null,
        EpisodeType = item.EpisodeType,
        Explicit = item.Explicit ?? false,

        // The original date, so the back catalogue keeps its order and apps do not see it as new. An item without
        // a readable date stays a draft for the creator to date.
        PublishedAt = item.PublishedAt,

        // Already out in the world: not news to announce to hubs and directories when the show is published here.
        AnnouncedAt = item.PublishedAt is null ? null : now,
        Transcripts = Carried($"The transcripts of \"{item.Title}\"",
            e => FeedFieldRules.Transcripts([.. item.Transcripts.Select(t => new TranscriptLink(t.Url, t.Type, t.Language, t.Rel))], e), FeedJson.WriteList,
            warnings),
        ChaptersUrl = item.ChaptersUrl is null ? null : Carried($"The chapters of \"{item.Title}\"",
            e => FeedFieldRules.HttpsUrl(item.ChaptersUrl, "chapters_url", e), url => url, warnings),
        Soundbites = Carried($"The soundbites of \"{item.Title}\"",
            e => FeedFieldRules.Soundbites([.. item.Soundbites.Select(b => new Soundbite(b.StartTime, b.Duration, b.Title))], item.DurationSeconds, e),
            FeedJson.WriteList, warnings),
        Persons = Carried($"The people of \"{item.Title}\"", e => FeedFieldRules.Persons(Credits(item.Persons), e), FeedJson.WriteList, warnings),
        ProcessedStatus = ProcessedStatus.AwaitingUpload,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static string Clip(string text) => text.Trim().Length <= PodcastRules.MaxTextLength ? text.Trim() : text.Trim()[..PodcastRules.MaxTextLength];

    /// <summary>Markdown that renders within <paramref name="maxRenderedBytes"/>; longer notes are cut at a paragraph.</summary>
    private static string Truncated(string markdown, int maxRenderedBytes, string what, List<string> warnings)
    {
        if (ShowNotes.Problem(markdown, maxRenderedBytes) is null)
        {
            return markdown;
        }

        var paragraphs = markdown.Split("\n\n").ToList();
        while (paragraphs.Count > 1 && ShowNotes.Problem(string.Join("\n\n", paragraphs), maxRenderedBytes) is not null)
        {
            paragraphs.RemoveAt(paragraphs.Count - 1);
        }

        var kept = string.Join("\n\n", paragraphs);
        while (kept.Length > 0 && ShowNotes.Problem(kept, maxRenderedBytes) is not null)
        {
            kept = kept[..(kept.Length * 9 / 10)];
        }

        warnings.Add($"{what}: longer than Apple allows ({maxRenderedBytes} bytes), so shortened at a paragraph.");
        return kept;
    }
}
