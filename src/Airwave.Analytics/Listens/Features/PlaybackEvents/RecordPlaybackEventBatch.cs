using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics.Listens.Features.PlaybackEvents;

/// <summary>
/// <c>POST /api/v1/playback-events/batch</c>: an app syncing what it recorded while offline, up to
/// <see cref="MaxEvents"/> events with the time the batch was sent by the device's clock (<c>sent_at</c>, used to
/// correct that clock). A body that cannot be read as a batch is a 400; within a readable batch, each event is judged
/// on its own, a malformed one included, and the answer lists every event's fate in the order sent.
/// </summary>
internal static class RecordPlaybackEventBatch
{
    public const int MaxEvents = 500;

    /// <param name="Events">Read item by item, so one malformed event is rejected on its own instead of failing the batch.</param>
    internal sealed record Request(string? SentAt, JsonElement? Events);

    internal sealed record Response(IReadOnlyList<PlaybackEventResult> Results);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/playback-events/batch", HandleAsync)
            .AllowAnonymous()
            .RequireRateLimiting(AnalyticsModule.PlaybackRateLimit)
            .WithName("RecordPlaybackEventBatch")
            .WithSummary("Report a batch of playback events (offline sync)");

    private static async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Request request, ClaimsPrincipal user, HttpContext http, PlaybackEventIntake intake, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (PlaybackEventIntake.RefuseUnauthenticatedToken(http, user) is { } refused)
        {
            return refused;
        }

        var errors = new FieldErrors();
        DateTimeOffset? sentAt = null;
        if (request.SentAt is not null)
        {
            sentAt = PlaybackEventRules.ParseTime(request.SentAt);
            errors.AddIf(sentAt is null, "sent_at", "must be an RFC 3339 date and time with an offset, e.g. 2026-03-09T10:00:00Z");
        }

        if (request.Events is not { } events || events.ValueKind == JsonValueKind.Null)
        {
            errors.Add("events", "is required: an array of playback events");
        }
        else if (events.ValueKind != JsonValueKind.Array)
        {
            errors.Add("events", "must be an array of playback events");
        }
        else if (events.GetArrayLength() > MaxEvents)
        {
            errors.Add("events", $"has {events.GetArrayLength()} events; send at most {MaxEvents} per batch");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var incoming = request.Events!.Value.EnumerateArray().Select((item, i) => Read(item, i, json.Value.SerializerOptions)).ToList();
        return TypedResults.Ok(new Response(await intake.RecordAsync(incoming, sentAt, user, cancellationToken)));
    }

    private static IncomingEvent Read(JsonElement item, int index, JsonSerializerOptions options)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new IncomingEvent(null, null, $"events[{index}] is not a JSON object");
        }

        var eventId = item.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        try
        {
            return new IncomingEvent(item.Deserialize<PlaybackEventInput>(options), eventId, null);
        }
        catch (JsonException error)
        {
            return new IncomingEvent(null, eventId, Describe(error));
        }
    }

    /// <summary>The reader's complaint in the API's words: which field, and what it should hold.</summary>
    private static string Describe(JsonException error)
    {
        var field = string.IsNullOrEmpty(error.Path) || error.Path == "$" ? "" : error.Path.TrimStart('$', '.');
        if (error.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var start = error.Message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : error.Message.IndexOf('\'', start + 1);
            return $"{(end > start ? error.Message[(start + 1)..end] : field)} is not a known field";
        }

        return field switch
        {
            "episode_id" => "episode_id must be a UUID",
            "sequence" => "sequence must be a whole number",
            "position_start" or "position_end" => $"{field} must be a number of seconds",
            "" => "the event could not be read",
            _ => $"{field} must be a string",
        };
    }
}
