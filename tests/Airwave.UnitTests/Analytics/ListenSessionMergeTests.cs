using Airwave.Analytics.Listens;

namespace Airwave.UnitTests.Analytics;

/// <summary>
/// The incremental session state (ADR 0022) against the full rebuild: random sessions, their events in random orders
/// and split into random batches (each batch's state stored as JSON and read back, as the consumer does), must give
/// exactly the summary <see cref="ListenSession.Summarize"/> gives from all the events at once.
/// </summary>
public sealed class ListenSessionMergeTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Types = ["play", "pause", "seek", "progress", "complete"];

    [Fact]
    public void Merge_JoinsOverlappingAndTouching_DropsEmpty() =>
        ListenRanges.Merge([new(30, 45), new(0, 15), new(15, 20), new(40, 60), new(70, 70), new(90, 80)])
            .ShouldBe([new PlayedRange(0, 20), new PlayedRange(30, 60)]);

    [Fact]
    public void Add_DurationLongerLater_CountsWhatWasPlayedPastTheOldEnd()
    {
        // Ranges are kept unclipped: the 300-400 s played while the episode was said to be 300 s long count once it is 600 s.
        var first = ListenSessionState.Add(null, [Event("progress", 200, 400, 300, Midnight)])!;
        first.Summarize(1).ListenedSeconds.ShouldBe(100);
        var second = ListenSessionState.Add(first, [Event("progress", 0, 10, 600, Midnight.AddMinutes(1))])!;
        second.Summarize(2).ListenedSeconds.ShouldBe(210);
    }

    [Fact]
    public void Add_LateEventFromBeforeTheSession_MovesItsDay()
    {
        var state = ListenSessionState.Add(null, [Event("progress", 0, 60, 600, Midnight.AddMinutes(5))])!;
        state.Summarize(1).Day.ShouldBe("2026-03-10");
        state = ListenSessionState.Add(state, [Event("play", 0, 0, 600, Midnight.AddMinutes(-1))])!;
        state.Summarize(2).Day.ShouldBe("2026-03-09");
    }

    [Fact]
    public void Ranges_RoundTripThroughJsonExactly()
    {
        var state = ListenSessionState.Add(null, [Event("progress", 0.1, 1.0 / 3, null, Midnight), Event("progress", 17.000000000000004, 99.99, null, Midnight)])!;
        ListenSessionState.ParseRanges(state.RangesJson()).ShouldBe(state.Ranges);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Add_RandomEventsOrdersAndBatches_SameAsRebuild(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 400; round++)
        {
            var events = RandomSession(random);
            var expected = ListenSession.Summarize(events);

            // Twice per session: another order, other batch boundaries, and one batch delivered twice.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var shuffled = events.OrderBy(_ => random.Next()).ToList();
                ListenSessionState? state = null;
                var i = 0;
                while (i < shuffled.Count)
                {
                    var take = random.Next(1, shuffled.Count - i + 1);
                    var batch = shuffled.Skip(i).Take(take).ToList();
                    state = ListenSessionState.Add(state, batch);
                    // Stored and read back between batches, as listen_sessions keeps it.
                    state = state! with { Ranges = ListenSessionState.ParseRanges(state.RangesJson()) };
                    i += take;
                }

                state!.Summarize(events.Count).ShouldBe(expected, $"seed {seed}, round {round}, attempt {attempt}");
            }
        }
    }

    [Fact]
    public void Add_SameEventsTwice_ChangeNothing()
    {
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var events = RandomSession(random);
            var once = ListenSessionState.Add(null, events)!;
            var twice = ListenSessionState.Add(once, events)!;
            twice.Summarize(events.Count).ShouldBe(once.Summarize(events.Count));
        }
    }

    /// <summary>
    /// A session of 1 to 30 events: every type (seeks jump backwards too), positions on a coarse grid so ranges often
    /// touch and overlap, some past the duration, durations unknown on some events and differing on others, times
    /// around midnight.
    /// </summary>
    private static List<SessionEvent> RandomSession(Random random)
    {
        double?[] durations = [null, 120, 600, 600, 601.5];
        var count = random.Next(1, 31);
        var events = new List<SessionEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var type = Types[random.Next(Types.Length)];
            var start = random.Next(0, 130) * 5 + (random.Next(4) == 0 ? random.NextDouble() : 0);
            var end = type == "seek" ? random.Next(0, 130) * 5.0 : start + random.Next(0, 25) * 2.5;
            events.Add(Event(type, start, end, durations[random.Next(durations.Length)],
                Midnight.AddSeconds(random.Next(-600, 600)).AddTicks(random.Next(10))));
        }

        return events;
    }

    private static SessionEvent Event(string type, double start, double end, double? duration, DateTimeOffset at) => new()
    {
        Type = type,
        PositionStart = start,
        PositionEnd = end,
        DurationSeconds = duration,
        OccurredAt = at,
    };
}
