using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Podcasts;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary><c>POST /api/v1/podcasts</c>: a creator starts a new show (a draft until published).</summary>
internal static class CreatePodcast
{
    internal sealed record Request(
        string? Title,
        string? Description,
        string? Author,
        string? OwnerName,
        string? OwnerEmail,
        string? Language,
        string? Category,
        string? Subcategory,
        bool? Explicit,
        string? Type,
        string? WebsiteUrl,
        string? Copyright,
        bool? NormalizeLoudness,
        double? LoudnessTargetLufs,
        string? NewFeedUrl,
        bool? ItunesBlock,
        bool? ItunesComplete,
        bool? Locked,
        IReadOnlyList<FundingLink>? Funding,
        IReadOnlyList<PersonCredit>? Persons,
        PlaceValue? Location,
        LicenseValue? License,
        IReadOnlyList<TxtRecord>? Txt,
        UpdateFrequencyValue? UpdateFrequency,
        AppLinks? AppLinks);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/podcasts", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("CreatePodcast")
            .WithSummary("Create a podcast (as a draft)");

    internal static async Task<Results<Created<PodcastResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Request request, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts, PublicUrls urls, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!user.HasRole(Roles.Creator) && !user.IsAdmin())
        {
            return Problems.Forbidden("Only creator accounts can create podcasts.");
        }

        var errors = new FieldErrors();
        // The author and owner name default to the creator's display name: most shows are run by one person.
        var author = request.Author ?? user.Identity?.Name;
        var values = PodcastRules.Validate(new PodcastValues(request.Title, request.Description, author, request.OwnerName ?? author,
            request.OwnerEmail, request.Language, request.Category, request.Subcategory, request.Explicit, request.Type,
            request.WebsiteUrl, request.Copyright, request.NormalizeLoudness, request.LoudnessTargetLufs), errors);
        var feed = new PodcastFeedFields(request.NewFeedUrl, request.ItunesBlock, request.ItunesComplete, request.Locked, request.Funding,
            request.Persons, request.Location, request.License, request.Txt, request.UpdateFrequency).Validate(errors);
        var appLinks = (request.AppLinks ?? AppLinks.None).Validate(errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var row = feed.ApplyTo(new PodcastRow
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = user.UserId()!.Value,
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
            CreatedAt = now,
            UpdatedAt = now,
        });
        await podcasts.InsertAsync(row, cancellationToken);
        return TypedResults.Created($"/api/v1/podcasts/{row.Id}", PodcastResponse.From(row, forManager: true, urls, http, now));
    }
}
