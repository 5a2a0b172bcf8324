using System.Text.Json;
using Airwave.Analytics.Listens;
using Airwave.Core.Http;

namespace Airwave.UnitTests.Analytics;

/// <summary>The pure rules of listens: the union of played ranges, session summaries, event checks, clock correction and keys.</summary>
public sealed class ListenTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 9, 12, 0, 0, TimeSpan.Zero);

    private static PlaybackEventInput Event(
        string type = "progress", double start = 0, double end = 15, string? eventId = null, long? sequence = null,
        string createdAt = "2026-03-09T11:59:00Z", string? device = "device-1", string? session = "session-1") =>
        new(eventId, device, Guid.Parse("0195e0c0-0000-7000-8000-000000000001"), null, session, sequence, type, start, end, createdAt);

    private static SessionEvent Played(double start, double end, string type = "progress", double? duration = 600, int minute = 0) => new()
    {
        Type = type,
        PositionStart = start,
        PositionEnd = end,
        DurationSeconds = duration,
        OccurredAt = Now.AddMinutes(minute),
    };

    [Fact]
    public void UnionSeconds_DisjointRanges_AddUp() =>
        ListenRanges.UnionSeconds([new(0, 15), new(30, 45), new(100, 130)], 600).ShouldBe(60);

    [Fact]
    public void UnionSeconds_SeekBackAndReplay_CountsOnce() =>
        // Played 0-60, sought back to 30, played 30-90: 90 seconds heard, not 120.
        ListenRanges.UnionSeconds([new(0, 60), new(30, 90)], 600).ShouldBe(90);

    [Fact]
    public void UnionSeconds_SameRangeReportedThreeTimes_CountsOnce() =>
        ListenRanges.UnionSeconds([new(10, 25), new(10, 25), new(10, 25)], null).ShouldBe(15);

    [Fact]
    public void UnionSeconds_OutOfOrderAndTouching_Merge() =>
        ListenRanges.UnionSeconds([new(45, 60), new(0, 15), new(30, 45), new(15, 30)], 600).ShouldBe(60);

    [Fact]
    public void UnionSeconds_ContainedRange_AddsNothing() =>
        ListenRanges.UnionSeconds([new(0, 100), new(20, 30), new(99, 100)], 600).ShouldBe(100);

    [Fact]
    public void UnionSeconds_PastTheEnd_ClippedToTheDuration() =>
        ListenRanges.UnionSeconds([new(590, 605)], 600).ShouldBe(10);

    [Fact]
    public void UnionSeconds_EmptyAndReversedRanges_CoverNothing() =>
        ListenRanges.UnionSeconds([new(50, 50), new(80, 70)], 600).ShouldBe(0);

    [Theory]
    [InlineData(300, 600, 0.5)]
    [InlineData(600, 600, 1.0)]
    [InlineData(0, 600, 0.0)]
    public void Completion_ListenedOverDuration(double listened, double duration, double expected) =>
        ListenRanges.Completion(listened, duration).ShouldBe(expected);

    [Fact]
    public void Completion_UnknownDuration_IsNull() => ListenRanges.Completion(100, null).ShouldBeNull();

    [Fact]
    public void Summarize_SeekRangesAreJumpsNotListening()
    {
        var summary = ListenSession.Summarize([Played(0, 10, "play"), Played(0, 20), Played(20, 500, "seek"), Played(500, 515)]);

        summary.ListenedSeconds.ShouldBe(35);
        summary.Completion.ShouldBe(35 / 600.0);
        summary.Events.ShouldBe(4);
    }

    [Fact]
    public void Summarize_InAnyOrder_Same()
    {
        SessionEvent[] events = [Played(0, 15, minute: 0), Played(15, 30, minute: 1), Played(10, 40, minute: 2), Played(0, 0, "pause", minute: 3)];

        ListenSession.Summarize(events).ShouldBe(ListenSession.Summarize([.. events.Reverse()]));
    }

    [Fact]
    public void Summarize_SessionAcrossMidnight_BelongsToTheDayItBegan()
    {
        var late = new DateTimeOffset(2026, 3, 9, 23, 59, 30, TimeSpan.Zero);
        SessionEvent[] events =
        [
            Played(15, 30) with { OccurredAt = late.AddSeconds(60) },
            Played(0, 15) with { OccurredAt = late },
        ];

        var summary = ListenSession.Summarize(events);

        summary.Day.ShouldBe("2026-03-09");
        summary.StartedAt.ShouldBe(late);
    }

    [Fact]
    public void Summarize_DurationUnknownOnSomeEvents_UsesTheKnownOne() =>
        ListenSession.Summarize([Played(0, 60, duration: null), Played(60, 120, duration: 240)]).Completion.ShouldBe(0.5);

    [Theory]
    [InlineData("2026-03-09T10:00:00Z", "2026-03-09T10:00:00+00:00")]
    [InlineData("2026-03-09T12:00:00+02:00", "2026-03-09T10:00:00+00:00")]
    [InlineData("2026-03-09T10:00:00.123456789Z", "2026-03-09T10:00:00.1234567+00:00")]
    [InlineData("2026-03-09T10:00:00.5-01:30", "2026-03-09T11:30:00.5+00:00")]
    public void ParseTime_Rfc3339_Utc(string text, string expected) =>
        PlaybackEventRules.ParseTime(text).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("2026-03-09T10:00:00")]
    [InlineData("2026-03-09 10:00:00Z")]
    [InlineData("2026-03-09")]
    [InlineData("09/03/2026 10:00")]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("")]
    public void ParseTime_NotRfc3339WithOffset_Null(string text) => PlaybackEventRules.ParseTime(text).ShouldBeNull();

    [Fact]
    public void EventTime_DeviceClockBehind_MovedForward()
    {
        // The device thinks it is 09:00 when the server says 12:00: its events are three hours later than it wrote.
        var created = new DateTimeOffset(2026, 3, 6, 8, 0, 0, TimeSpan.Zero);
        var sent = new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.Zero);

        PlaybackEventRules.EventTime(created, sent, Now).ShouldBe(created.AddHours(3));
    }

    [Fact]
    public void EventTime_NoSentAt_DeviceTimeAsIs() =>
        PlaybackEventRules.EventTime(Now.AddDays(-1), null, Now).ShouldBe(Now.AddDays(-1));

    [Fact]
    public void TimeProblem_OlderThanFourteenDays_Rejected()
    {
        PlaybackEventRules.TimeProblem(Now.AddDays(-14).AddSeconds(-1), Now).ShouldNotBeNull().ShouldContain("14 days");
        PlaybackEventRules.TimeProblem(Now.AddDays(-13), Now).ShouldBeNull();
    }

    [Fact]
    public void TimeProblem_FutureBeyondTolerance_Rejected()
    {
        PlaybackEventRules.TimeProblem(Now.AddMinutes(10), Now).ShouldNotBeNull().ShouldContain("future");
        PlaybackEventRules.TimeProblem(Now.AddMinutes(1), Now).ShouldBeNull();
    }

    [Theory]
    [InlineData(null, "device_id is required")]
    [InlineData("", "device_id must be 1 to 128 characters")]
    [InlineData("a\u0001b", "device_id must not contain control characters")]
    public void ShapeProblem_BadDevice_NamesTheField(string? device, string reason) =>
        PlaybackEventRules.ShapeProblem(Event(device: device)).ShouldBe(reason);

    [Fact]
    public void ShapeProblem_EachBadField_NamesIt()
    {
        PlaybackEventRules.ShapeProblem(Event()).ShouldBeNull();
        PlaybackEventRules.ShapeProblem(Event(session: null)).ShouldBe("session_id is required");
        PlaybackEventRules.ShapeProblem(Event() with { EpisodeId = null }).ShouldBe("episode_id or episode_guid is required");
        PlaybackEventRules.ShapeProblem(Event() with { EpisodeGuid = "g" }).ShouldBe("send episode_id or episode_guid, not both");
        PlaybackEventRules.ShapeProblem(Event(type: "stop")).ShouldNotBeNull().ShouldStartWith("type must be one of");
        PlaybackEventRules.ShapeProblem(Event(start: -1)).ShouldNotBeNull().ShouldStartWith("position_start");
        PlaybackEventRules.ShapeProblem(Event() with { PositionEnd = null }).ShouldBe("position_end is required");
        PlaybackEventRules.ShapeProblem(Event(start: 30, end: 10)).ShouldBe("position_end must be at least position_start");
        PlaybackEventRules.ShapeProblem(Event(sequence: -1)).ShouldBe("sequence must be 0 or more");
        PlaybackEventRules.ShapeProblem(Event(createdAt: "yesterday")).ShouldNotBeNull().ShouldStartWith("created_at must be an RFC 3339");
        PlaybackEventRules.ShapeProblem(Event(eventId: new string('x', 129))).ShouldBe("event_id must be 1 to 128 characters");
    }

    [Fact]
    public void ShapeProblem_BackwardSeek_Allowed() =>
        PlaybackEventRules.ShapeProblem(Event(type: "seek", start: 300, end: 20)).ShouldBeNull();

    [Fact]
    public void LengthProblem_BeyondDurationPlusSlack_Rejected()
    {
        PlaybackEventRules.LengthProblem(Event(start: 590, end: 609), 600).ShouldBeNull();
        PlaybackEventRules.LengthProblem(Event(start: 590, end: 611), 600).ShouldBe("positions are beyond the end of the episode");
        PlaybackEventRules.LengthProblem(Event(start: 0, end: 90_000), null).ShouldBe("positions must be at most one day");
    }

    [Fact]
    public void DedupKey_WithEventId_OnlyDeviceAndIdMatter()
    {
        var episode = Guid.NewGuid();
        var key = PlaybackEventRules.DedupKey(Event(eventId: "e1"), episode, Now);

        PlaybackEventRules.DedupKey(Event(eventId: "e1", start: 5, end: 20, type: "pause"), Guid.NewGuid(), Now.AddDays(1)).ShouldBe(key);
        PlaybackEventRules.DedupKey(Event(eventId: "e1", device: "device-2"), episode, Now).ShouldNotBe(key);
        PlaybackEventRules.DedupKey(Event(eventId: "e2"), episode, Now).ShouldNotBe(key);
    }

    [Fact]
    public void DedupKey_WithSequence_TheSequenceInTheSessionMatters()
    {
        var episode = Guid.NewGuid();
        var key = PlaybackEventRules.DedupKey(Event(sequence: 3), episode, Now);

        PlaybackEventRules.DedupKey(Event(sequence: 3, start: 50, end: 65), episode, Now.AddMinutes(1)).ShouldBe(key);
        PlaybackEventRules.DedupKey(Event(sequence: 4), episode, Now).ShouldNotBe(key);
        PlaybackEventRules.DedupKey(Event(sequence: 3, session: "session-2"), episode, Now).ShouldNotBe(key);
        PlaybackEventRules.DedupKey(Event(sequence: 3), Guid.NewGuid(), Now).ShouldNotBe(key);
    }

    [Fact]
    public void DedupKey_WithoutIdOrSequence_TheEventItselfMatters()
    {
        var episode = Guid.NewGuid();
        var key = PlaybackEventRules.DedupKey(Event(type: "pause", start: 40, end: 40), episode, Now);

        PlaybackEventRules.DedupKey(Event(type: "pause", start: 40, end: 40), episode, Now).ShouldBe(key);
        // The same pause a minute later is another event; so is another type or position at the same time.
        PlaybackEventRules.DedupKey(Event(type: "pause", start: 40, end: 40), episode, Now.AddMinutes(1)).ShouldNotBe(key);
        PlaybackEventRules.DedupKey(Event(type: "play", start: 40, end: 40), episode, Now).ShouldNotBe(key);
        PlaybackEventRules.DedupKey(Event(type: "pause", start: 41, end: 41), episode, Now).ShouldNotBe(key);
    }

    [Fact]
    public void ListenerKey_SignedInIsTheAccount_OtherwiseAHashedDevice()
    {
        var user = Guid.NewGuid();
        PlaybackEventRules.ListenerKey(user, "device-1").ShouldBe($"user:{user:D}");
        var device = PlaybackEventRules.ListenerKey(null, "device-1");
        device.ShouldStartWith("device:");
        device.ShouldNotContain("device-1");
        PlaybackEventRules.ListenerKey(null, "device-1").ShouldBe(device);
    }

    [Fact]
    public void ListenReportResult_AsApiJson_SnakeCaseAndTotalsWithoutDay()
    {
        var options = new JsonSerializerOptions();
        HttpSetup.ConfigureJson(options);
        var day = new DateOnly(2026, 3, 9);
        var report = new ListenReportResult(day, day, [new ListenFigures { Day = "2026-03-09", Plays = 2, UniqueListeners = 1, ListenedSeconds = 75 }],
            new ListenFigures { Plays = 2, UniqueListeners = 1, ListenedSeconds = 75, AverageCompletion = 0.125, EngagedListeners = 0 });

        var json = JsonSerializer.Serialize(report, options);

        json.ShouldBe(
            "{\"from\":\"2026-03-09\",\"to\":\"2026-03-09\",\"days\":[{\"day\":\"2026-03-09\",\"plays\":2,\"unique_listeners\":1,\"listened_seconds\":75," +
            "\"average_completion\":null,\"engaged_listeners\":0}],\"totals\":{\"plays\":2,\"unique_listeners\":1,\"listened_seconds\":75," +
            "\"average_completion\":0.125,\"engaged_listeners\":0}}");
    }
}
