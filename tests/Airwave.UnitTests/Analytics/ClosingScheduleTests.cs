using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

public sealed class ClosingScheduleTests
{
    private const long Hour = 10;

    [Fact]
    public void Due_NamesThePeriodsThatEndByTheHorizon_OldestFirst_WithTheirEntries()
    {
        var schedule = new ClosingSchedule<int>(Hour);
        schedule.In(1_000_005).Add(1);
        schedule.In(1_000_001).Add(2);
        schedule.In(1_000_001).Add(3);
        schedule.In(1_000_003).Add(4);

        schedule.Due(1_000_002 * Hour - 1, out _).ShouldBeNull();
        schedule.Due(1_000_004 * Hour, out var entries).ShouldBe([1_000_001, 1_000_003]);
        entries.ShouldBe(3);
        schedule.Of(1_000_001).Count.ShouldBe(2);
        schedule.Due(long.MaxValue, out entries).ShouldBe([1_000_001, 1_000_003, 1_000_005]);
        entries.ShouldBe(4);
    }

    [Fact]
    public void Release_ForgetsThePeriods_AndAPeriodUsedAgainStartsEmpty()
    {
        var schedule = new ClosingSchedule<int>(Hour);
        schedule.In(7).Add(1);
        schedule.In(8).Add(2);

        schedule.Release(schedule.Due(8 * Hour, out _)!);

        schedule.Due(long.MaxValue, out var entries).ShouldBe([8]);
        entries.ShouldBe(1);
        schedule.In(7).Count.ShouldBe(0);
        schedule.Release(schedule.Due(long.MaxValue, out _)!);
        schedule.Due(long.MaxValue, out _).ShouldBeNull();
    }

    [Fact]
    public void RandomUse_AgreesWithASortedDictionary_ThroughGrowthAndEarlierPeriods()
    {
        // Periods come mostly in order, some earlier than the oldest open one, and the open span grows past the ring's
        // first size (64) and shrinks again.
        var random = new Random(11);
        var schedule = new ClosingSchedule<int>(Hour);
        var expected = new SortedDictionary<long, List<int>>();
        var now = 5_000_000L;
        for (var step = 0; step < 50_000; step++)
        {
            var choice = random.Next(100);
            if (choice < 80)
            {
                var period = now + random.Next(-20, step % 5_000 < 2_500 ? 40 : 300);
                schedule.In(period).Add(step);
                (expected.TryGetValue(period, out var list) ? list : expected[period] = []).Add(step);
            }
            else if (choice < 98)
            {
                now += random.Next(0, 3);
            }
            else
            {
                var horizon = (now + random.Next(-30, 30)) * Hour;
                var due = schedule.Due(horizon, out var entries);
                var expectedDue = expected.Keys.TakeWhile(p => (p + 1) * Hour <= horizon).ToList();
                (due ?? []).ShouldBe(expectedDue);
                entries.ShouldBe(expectedDue.Sum(p => expected[p].Count));
                foreach (var period in expectedDue)
                {
                    var list = schedule.Of(period);
                    Enumerable.Range(0, list.Count).Select(i => list[i]).ShouldBe(expected[period]);
                    expected.Remove(period);
                }

                if (due is not null)
                {
                    schedule.Release(due);
                }
            }
        }

        schedule.Due(long.MaxValue, out var rest).ShouldBe(expected.Keys);
        rest.ShouldBe(expected.Values.Sum(l => l.Count));

        // The ring follows the open span (at most ~340 periods here), not every period ever used (~1,000 here).
        schedule.Capacity.ShouldBeLessThanOrEqualTo(512);
    }
}
