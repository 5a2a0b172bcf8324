using Airwave.Catalog.Data;
using Airwave.Catalog.Features.Feeds;
using Airwave.Catalog.Feeds;
using Airwave.Core.Text;

namespace Airwave.Catalog.Features.Subscribers;

/// <summary>
/// A podcast's premium subscribers, each with a private feed URL: <c>POST/GET /api/v1/podcasts/{podcastId}/subscribers</c>,
/// <c>DELETE …/{subscriberId}</c> (revoke) and <c>POST …/{subscriberId}/rotate</c> (a new URL; the old one stops at
/// once). Owner and admins only; anyone else gets 404 whether or not the podcast is public, because who subscribes is
/// nobody else's business. As with API tokens, the URL's secret is shown only in the answer that issues it; lists
/// show its first characters. Payments come later: for now the creator adds and removes subscribers.
/// </summary>
internal static class Subscribers
{
    public const int MaxNameLength = 200;

    internal sealed record CreateRequest(string? Email, string? Name);

    /// <summary>A subscriber as lists show it: no secret, only its first characters.</summary>
    internal sealed record SubscriberResponse(Guid Id, Guid PodcastId, string Email, string? Name, string TokenPrefix, string Status,
        DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastFetchedAt)
    {
        public static SubscriberResponse From(SubscriberRow row) => new(row.Id, row.PodcastId, row.Email, row.Name, row.TokenPrefix,
            row.RevokedAt is null ? "active" : "revoked", row.CreatedAt, row.RevokedAt, row.LastFetchedAt);
    }

    /// <summary>The answer that issues a private feed URL: the only time it is shown.</summary>
    internal sealed record IssuedSubscriber(Guid Id, Guid PodcastId, string Email, string? Name, string TokenPrefix, string Status,
        string PrivateFeedUrl, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastFetchedAt)
    {
        public static IssuedSubscriber From(SubscriberRow row, string privateFeedUrl) => new(row.Id, row.PodcastId, row.Email, row.Name,
            row.TokenPrefix, "active", privateFeedUrl, row.CreatedAt, row.RevokedAt, row.LastFetchedAt);
    }

    public static void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/podcasts/{podcastId:guid}/subscribers").WithTags("Subscribers");
        group.MapPost("", CreateAsync).RequireAuthorization(Policies.Write)
            .WithName("CreateSubscriber").WithSummary("Add a premium subscriber and issue their private feed URL (shown once)");
        group.MapGet("", ListAsync).RequireAuthorization(Policies.Read)
            .WithName("ListSubscribers").WithSummary("List the podcast's premium subscribers (without their URLs)");
        group.MapDelete("/{subscriberId:guid}", RevokeAsync).RequireAuthorization(Policies.Write)
            .WithName("RevokeSubscriber").WithSummary("Revoke a subscriber: their private feed and premium audio stop answering");
        group.MapPost("/{subscriberId:guid}/rotate", RotateAsync).RequireAuthorization(Policies.Write)
            .WithName("RotateSubscriberUrl").WithSummary("Issue a new private feed URL for a subscriber; the old one stops answering");
    }

    /// <summary>The podcast when the caller manages it, otherwise null (answered with 404).</summary>
    private static async Task<PodcastRow?> ManagedAsync(Guid podcastId, ClaimsPrincipal user, PodcastStore podcasts, CancellationToken cancellationToken) =>
        await podcasts.FindAsync(podcastId, cancellationToken) is { } podcast && user.Manages(podcast) ? podcast : null;

    internal static async Task<Results<Created<IssuedSubscriber>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid podcastId, CreateRequest request, ClaimsPrincipal user, HttpRequest http, PublicUrls urls, PodcastStore podcasts,
        SubscriberStore subscribers, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await ManagedAsync(podcastId, user, podcasts, cancellationToken) is null)
        {
            return Problems.NotFound("The podcast");
        }

        var errors = new FieldErrors();
        if (EmailAddress.Problem(request.Email) is { } email)
        {
            errors.Add("email", email);
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        errors.AddIf(name?.Length > MaxNameLength, "name", $"must be at most {MaxNameLength} characters");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var token = PrivateFeedTokens.Create();
        var row = new SubscriberRow
        {
            Id = Guid.CreateVersion7(now),
            PodcastId = podcastId,
            Email = request.Email!.Trim(),
            Name = name,
            TokenHash = PrivateFeedTokens.Hash(token),
            TokenPrefix = PrivateFeedTokens.DisplayPrefix(token),
            CreatedAt = now,
        };
        if (!await subscribers.TryInsertAsync(row, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already subscribed",
                detail: "This email address already has an active subscription to this podcast; revoke it or rotate its URL instead.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["email"] = ["already has an active subscription"] } });
        }

        return TypedResults.Created($"/api/v1/podcasts/{podcastId}/subscribers/{row.Id}",
            IssuedSubscriber.From(row, urls.Absolute(http, GetPrivateFeed.PathOf(podcastId, token))));
    }

    internal static async Task<Results<Ok<Page<SubscriberResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid podcastId, int? limit, string? cursor, ClaimsPrincipal user, PodcastStore podcasts, SubscriberStore subscribers,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Cursor.Parse(limit, cursor, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await ManagedAsync(podcastId, user, podcasts, cancellationToken) is null)
        {
            return Problems.NotFound("The podcast");
        }

        var rows = await subscribers.ListAsync(podcastId, take, after, cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => r.Position, SubscriberResponse.From));
    }

    /// <summary>Idempotent: revoking a revoked subscriber answers 204 again and keeps the first revocation time.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid podcastId, Guid subscriberId, ClaimsPrincipal user,
        PodcastStore podcasts, SubscriberStore subscribers, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await ManagedAsync(podcastId, user, podcasts, cancellationToken) is null)
        {
            return Problems.NotFound("The podcast");
        }

        return await subscribers.RevokeAsync(podcastId, subscriberId, clock.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("The subscriber");
    }

    /// <summary>A new secret for an active subscriber (a leaked URL): the old URL matches nothing from the moment this commits.</summary>
    internal static async Task<Results<Ok<IssuedSubscriber>, ProblemHttpResult>> RotateAsync(Guid podcastId, Guid subscriberId, ClaimsPrincipal user,
        HttpRequest http, PublicUrls urls, PodcastStore podcasts, SubscriberStore subscribers, CancellationToken cancellationToken)
    {
        if (await ManagedAsync(podcastId, user, podcasts, cancellationToken) is null)
        {
            return Problems.NotFound("The podcast");
        }

        var token = PrivateFeedTokens.Create();
        if (!await subscribers.RotateAsync(podcastId, subscriberId, PrivateFeedTokens.Hash(token), PrivateFeedTokens.DisplayPrefix(token), cancellationToken))
        {
            return await subscribers.FindAsync(podcastId, subscriberId, cancellationToken) is null
                ? Problems.NotFound("The subscriber")
                : Problems.Conflict("This subscriber is revoked; add them again to issue a new private feed URL.");
        }

        var row = (await subscribers.FindAsync(podcastId, subscriberId, cancellationToken))!;
        return TypedResults.Ok(IssuedSubscriber.From(row, urls.Absolute(http, GetPrivateFeed.PathOf(podcastId, token))));
    }
}
