namespace Airwave.Analytics.Listens.Features.PlaybackEvents;

/// <summary>
/// <c>POST /api/v1/playback-events</c>: one playback event from a player (the web player's beacon on page hide,
/// an app online). Anonymous callers are known by their device id; a signed-in caller (bearer token or session
/// cookie) is the listener. The answer is always 200 with the event's fate once the body is readable JSON of the
/// right shape: a player has nothing to fix by retrying a rejected event.
/// </summary>
internal static class RecordPlaybackEvent
{
    internal sealed record Request(
        string? EventId,
        string? DeviceId,
        Guid? EpisodeId,
        string? EpisodeGuid,
        string? SessionId,
        long? Sequence,
        string? Type,
        double? PositionStart,
        double? PositionEnd,
        string? CreatedAt,
        string? SentAt);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/playback-events", HandleAsync)
            .AllowAnonymous()
            .RequireRateLimiting(AnalyticsModule.PlaybackRateLimit)
            .WithName("RecordPlaybackEvent")
            .WithSummary("Report one playback event");

    private static async Task<Results<Ok<PlaybackEventResult>, ProblemHttpResult>> HandleAsync(
        Request request, ClaimsPrincipal user, HttpContext http, PlaybackEventIntake intake, CancellationToken cancellationToken)
    {
        if (PlaybackEventIntake.RefuseUnauthenticatedToken(http, user) is { } refused)
        {
            return refused;
        }

        var input = new PlaybackEventInput(request.EventId, request.DeviceId, request.EpisodeId, request.EpisodeGuid, request.SessionId,
            request.Sequence, request.Type, request.PositionStart, request.PositionEnd, request.CreatedAt);
        DateTimeOffset? sentAt = null;
        string? problem = null;
        if (request.SentAt is not null)
        {
            sentAt = PlaybackEventRules.ParseTime(request.SentAt);
            problem = sentAt is null ? "sent_at must be an RFC 3339 date and time with an offset, e.g. 2026-03-09T10:00:00Z" : null;
        }

        var results = await intake.RecordAsync([new IncomingEvent(input, request.EventId, problem)], sentAt, user, cancellationToken);
        return TypedResults.Ok(results[0]);
    }
}
