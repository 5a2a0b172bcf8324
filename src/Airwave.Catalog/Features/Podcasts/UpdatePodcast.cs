using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Podcasts;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary>
/// <c>PATCH /api/v1/podcasts/{podcastId}</c> with JSON Merge Patch semantics: fields left out stay as they are,
/// <c>null</c> clears an optional field. The merged podcast must satisfy the same rules as a new one. With
/// <c>If-Match</c>, only if the podcast is still the one the client read (<see cref="EntityTags"/>).
/// </summary>
internal static class UpdatePodcast
{
    internal sealed record Request(
        Optional<string?> Title,
        Optional<string?> Description,
        Optional<string?> Author,
        Optional<string?> OwnerName,
        Optional<string?> OwnerEmail,
        Optional<string?> Language,
        Optional<string?> Category,
        Optional<string?> Subcategory,
        Optional<bool?> Explicit,
        Optional<string?> Type,
        Optional<string?> WebsiteUrl,
        Optional<string?> Copyright,
        Optional<bool?> NormalizeLoudness,
        Optional<double?> LoudnessTargetLufs,
        Optional<string?> NewFeedUrl,
        Optional<bool?> ItunesBlock,
        Optional<bool?> ItunesComplete,
        Optional<bool?> Locked,
        Optional<IReadOnlyList<FundingLink>?> Funding,
        Optional<IReadOnlyList<PersonCredit>?> Persons,
        Optional<PlaceValue?> Location,
        Optional<LicenseValue?> License,
        Optional<IReadOnlyList<TxtRecord>?> Txt,
        Optional<UpdateFrequencyValue?> UpdateFrequency,
        Optional<AppLinks?> AppLinks);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPatch("/podcasts/{podcastId:guid}", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("UpdatePodcast")
            .WithSummary("Change some of a podcast's fields")
            .WithEntityTag<PodcastResponse>(ifMatch: true);

    internal static async Task<Results<Ok<PodcastResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid podcastId, Request request, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts, CatalogChanges changes, PublicUrls urls,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, now) is { } denied)
        {
            return denied;
        }

        if (EntityTags.InvalidIfMatch(http) is { } invalidIfMatch)
        {
            return invalidIfMatch;
        }

        var ifMatch = EntityTags.HasIfMatch(http);
        if (ifMatch && !EntityTags.IfMatchAllows(http, EntityTags.Of(http, PodcastResponse.From(podcast!, forManager: true, urls, http, now))))
        {
            return EntityTags.ChangedMeanwhile("The podcast");
        }

        var errors = new FieldErrors();
        // Changing the category without naming a subcategory drops the old one, which belonged to the old category.
        var subcategory = request.Category.IsSet && !request.Subcategory.IsSet ? null : request.Subcategory.Or(podcast!.Subcategory);
        var values = PodcastRules.Validate(new PodcastValues(
            request.Title.Or(podcast!.Title),
            request.Description.Or(podcast.Description),
            request.Author.Or(podcast.Author),
            request.OwnerName.Or(podcast.OwnerName),
            request.OwnerEmail.Or(podcast.OwnerEmail),
            request.Language.Or(podcast.Language),
            request.Category.Or(podcast.Category),
            subcategory,
            request.Explicit.Or(podcast.Explicit),
            request.Type.Or(podcast.PodcastType),
            request.WebsiteUrl.Or(podcast.WebsiteUrl),
            request.Copyright.Or(podcast.Copyright),
            request.NormalizeLoudness.Or(podcast.NormalizeLoudness),
            request.LoudnessTargetLufs.Or(podcast.LoudnessTargetLufs)), errors);
        var current = PodcastFeedFields.From(podcast);
        var feed = new PodcastFeedFields(
            request.NewFeedUrl.Or(current.NewFeedUrl),
            request.ItunesBlock.Or(current.ItunesBlock),
            request.ItunesComplete.Or(current.ItunesComplete),
            request.Locked.Or(current.Locked),
            request.Funding.Or(current.Funding),
            request.Persons.Or(current.Persons),
            request.Location.Or(current.Location),
            request.License.Or(current.License),
            request.Txt.Or(current.Txt),
            request.UpdateFrequency.Or(current.UpdateFrequency)).Validate(errors);
        var appLinks = (request.AppLinks.Or(Catalog.Podcasts.AppLinks.Read(podcast.AppLinks)) ?? Catalog.Podcasts.AppLinks.None).Validate(errors);
        errors.AddIf(request.ItunesBlock is { IsSet: true, Value: null }, "itunes_block", "must be true or false");
        errors.AddIf(request.ItunesComplete is { IsSet: true, Value: null }, "itunes_complete", "must be true or false");
        errors.AddIf(request.Locked is { IsSet: true, Value: null }, "locked", "must be true or false");
        errors.AddIf(request.NormalizeLoudness is { IsSet: true, Value: null }, "normalize_loudness", "must be true or false");
        errors.AddIf(request.Explicit is { IsSet: true, Value: null }, "explicit", "must be true or false");
        errors.AddIf(request.Type is { IsSet: true, Value: null }, "type", "must be episodic or serial");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var updated = feed.ApplyTo(podcast with
        {
            Title = values.Title!,
            Description = values.Description!,
            Author = values.Author!,
            OwnerName = values.OwnerName!,
            OwnerEmail = values.OwnerEmail!,
            Language = values.Language!,
            Category = values.Category!,
            Subcategory = values.Subcategory,
            Explicit = values.Explicit!.Value,
            PodcastType = values.Type!,
            WebsiteUrl = values.WebsiteUrl,
            Copyright = values.Copyright,
            NormalizeLoudness = values.NormalizeLoudness!.Value,
            LoudnessTargetLufs = values.LoudnessTargetLufs,
            AppLinks = appLinks.Write(),
            UpdatedAt = now,
        });

        // Loudness settings apply to the next processing, and app links to the web page only, not to the feed.
        var feedChanged = podcast.IsPublicAt(now) &&
            updated with
            {
                NormalizeLoudness = podcast.NormalizeLoudness,
                LoudnessTargetLufs = podcast.LoudnessTargetLufs,
                AppLinks = podcast.AppLinks,
                UpdatedAt = podcast.UpdatedAt,
            } != podcast;
        var written = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await PodcastStore.UpdateAsync(connection, transaction, updated, ifMatch ? podcast.UpdatedAt : null, cancellationToken))
            {
                return false; // changed since it was read: nothing else is written either
            }

            if (feedChanged)
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcastId, now, cancellationToken);
            }

            return true;
        }, cancellationToken);
        if (!written)
        {
            // Without If-Match the only way to miss the row is that it was deleted in between.
            return ifMatch ? EntityTags.ChangedMeanwhile("The podcast") : Problems.NotFound("The podcast");
        }

        return TypedResults.Ok(PodcastResponse.From(updated, forManager: true, urls, http, now));
    }
}
