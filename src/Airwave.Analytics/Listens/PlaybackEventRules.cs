using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Airwave.Analytics.Listens;

/// <summary>One playback event as a player sends it (JSON, snake_case). Every field is optional here so a missing one is reported by name.</summary>
internal sealed record PlaybackEventInput(
    string? EventId,
    string? DeviceId,
    Guid? EpisodeId,
    string? EpisodeGuid,
    string? SessionId,
    long? Sequence,
    string? Type,
    double? PositionStart,
    double? PositionEnd,
    string? CreatedAt);

/// <summary>
/// The rules an event must pass before it is kept, as pure functions: the shape of each field, the time window
/// (after correcting the device's clock), positions against the episode's length, and the key that makes reports
/// idempotent. The reasons are the words the API answers with.
/// </summary>
internal static partial class PlaybackEventRules
{
    public const int MaxIdLength = 128;
    public const int MaxGuidLength = 1024;

    /// <summary>Events further back than this (after clock correction) are rejected: apps sync within days, not weeks.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);

    /// <summary>How far ahead of the server's clock a corrected event time may be (network delay, rounding).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>How far past the known duration a position may be: players round, and encoders pad the last frame.</summary>
    public const double DurationSlackSeconds = 10;

    /// <summary>Positions of episodes whose duration is not known yet are still bounded (a day), to keep nonsense out.</summary>
    public const double UnknownDurationLimitSeconds = 86_400;

    public static readonly IReadOnlyList<string> Types = ["play", "pause", "seek", "progress", "complete"];

    /// <summary>The problem with the event's own fields (before the episode is looked up), or null.</summary>
    public static string? ShapeProblem(PlaybackEventInput e)
    {
        if (IdProblem("event_id", e.EventId, required: false) is { } eventId)
        {
            return eventId;
        }

        if (IdProblem("device_id", e.DeviceId, required: true) is { } device)
        {
            return device;
        }

        if (IdProblem("session_id", e.SessionId, required: true) is { } session)
        {
            return session;
        }

        if (e.EpisodeId is null && string.IsNullOrWhiteSpace(e.EpisodeGuid))
        {
            return "episode_id or episode_guid is required";
        }

        if (e.EpisodeId is not null && e.EpisodeGuid is not null)
        {
            return "send episode_id or episode_guid, not both";
        }

        if (e.EpisodeGuid is { Length: > MaxGuidLength })
        {
            return $"episode_guid must be at most {MaxGuidLength} characters";
        }

        if (e.Sequence is < 0)
        {
            return "sequence must be 0 or more";
        }

        if (e.Type is null)
        {
            return "type is required";
        }

        if (!Types.Contains(e.Type))
        {
            return $"type must be one of {string.Join(", ", Types)}";
        }

        if ((PositionProblem("position_start", e.PositionStart) ?? PositionProblem("position_end", e.PositionEnd)) is { } position)
        {
            return position;
        }

        // A seek reports where it jumped from and to, which may be backwards; every other type reports a range played.
        if (e.Type != "seek" && e.PositionEnd < e.PositionStart)
        {
            return "position_end must be at least position_start";
        }

        if (e.CreatedAt is null)
        {
            return "created_at is required";
        }

        return ParseTime(e.CreatedAt) is null ? "created_at must be an RFC 3339 date and time with an offset, e.g. 2026-03-09T10:00:00Z" : null;
    }

    /// <summary>The problem with the event's positions for an episode of this length, or null.</summary>
    public static string? LengthProblem(PlaybackEventInput e, double? durationSeconds)
    {
        var limit = durationSeconds is { } duration ? duration + DurationSlackSeconds : UnknownDurationLimitSeconds;
        return Math.Max(e.PositionStart!.Value, e.PositionEnd!.Value) > limit
            ? durationSeconds is null ? "positions must be at most one day" : "positions are beyond the end of the episode"
            : null;
    }

    /// <summary>
    /// When the event happened by the server's clock: the device's <paramref name="createdAt"/> moved by how far the
    /// device's clock was off when it sent the request (<paramref name="arrival"/> minus <paramref name="sentAt"/>; the
    /// transit time is small next to clock errors). Without <paramref name="sentAt"/> the device's time is taken as is.
    /// </summary>
    public static DateTimeOffset EventTime(DateTimeOffset createdAt, DateTimeOffset? sentAt, DateTimeOffset arrival) =>
        sentAt is { } sent ? createdAt + (arrival - sent) : createdAt;

    /// <summary>The problem with a corrected event time, or null.</summary>
    public static string? TimeProblem(DateTimeOffset eventTime, DateTimeOffset arrival) =>
        eventTime < arrival - MaxAge ? $"created_at is more than {MaxAge.TotalDays:0} days ago (after correcting the device clock from sent_at)"
        : eventTime > arrival + FutureTolerance ? "created_at is in the future (after correcting the device clock from sent_at)"
        : null;

    /// <summary>
    /// The key that makes a report idempotent (its SHA-256, hex). With an <c>event_id</c>: the device and that id, so
    /// a retry or a re-sync of the same event is the same key whatever else changed, and one device cannot use up
    /// another's ids. Without one: the device, episode and session with the <c>sequence</c> (its place in the session)
    /// when given; otherwise with what describes the event itself (type, positions and the device's own
    /// <c>created_at</c>, which a retry repeats unchanged), so two pauses at the same spot a minute apart stay two.
    /// The episode is the resolved id, so naming it by guid or by id is the same event.
    /// </summary>
    public static string DedupKey(PlaybackEventInput e, Guid episodeId, DateTimeOffset createdAt)
    {
        var text = e.EventId is not null
            ? $"event\n{e.DeviceId}\n{e.EventId}"
            : e.Sequence is { } sequence
                ? $"sequence\n{e.DeviceId}\n{episodeId:D}\n{e.SessionId}\n{sequence.ToString(CultureInfo.InvariantCulture)}"
                : $"content\n{e.DeviceId}\n{episodeId:D}\n{e.SessionId}\n{e.Type}\n{Number(e.PositionStart!.Value)}\n{Number(e.PositionEnd!.Value)}\n" +
                  createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Who listened, as stored: the account when signed in, otherwise the device. Device ids are hashed: they are
    /// random, but a key that is not the id itself cannot be replayed as someone else's device.
    /// </summary>
    public static string ListenerKey(Guid? userId, string deviceId) =>
        userId is { } id
            ? $"user:{id:D}"
            : $"device:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deviceId)))[..32]}";

    /// <summary>An RFC 3339 date and time (an offset or Z is required, so a device's local time is never guessed at); null when it is not one.</summary>
    public static DateTimeOffset? ParseTime(string text)
    {
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            return null;
        }

        // .NET keeps seven fractional digits; RFC 3339 allows any number.
        var fraction = match.Groups["fraction"].Value;
        var normalized = match.Groups["main"].Value + (fraction.Length > 0 ? "." + fraction.PadRight(7, '0')[..7] : "") +
            (match.Groups["offset"].Value is "Z" or "z" ? "+00:00" : match.Groups["offset"].Value);
        return DateTimeOffset.TryParseExact(normalized, ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.fffffffzzz"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToUniversalTime()
            : null;
    }

    private static string? IdProblem(string field, string? value, bool required)
    {
        if (value is null)
        {
            return required ? $"{field} is required" : null;
        }

        if (value.Length == 0 || value.Length > MaxIdLength)
        {
            return $"{field} must be 1 to {MaxIdLength} characters";
        }

        return value.Any(char.IsControl) ? $"{field} must not contain control characters" : null;
    }

    private static string? PositionProblem(string field, double? value) =>
        value is null ? $"{field} is required"
        : !double.IsFinite(value.Value) || value.Value < 0 ? $"{field} must be a number of seconds, 0 or more"
        : null;

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<main>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.(?<fraction>\d{1,9}))?(?<offset>[Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
