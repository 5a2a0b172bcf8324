using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.UnitTests.Media;

public sealed class FfmpegProgressTests
{
    private static List<(TimeSpan OutTime, double? Speed, bool Ended)> Feed(params string[] lines)
    {
        var progress = new FfmpegProgress();
        var updates = new List<(TimeSpan, double?, bool)>();
        foreach (var line in lines)
        {
            if (progress.TryConsume(line, out var update))
            {
                updates.Add((update.OutTime, update.Speed, update.Ended));
            }
        }

        return updates;
    }

    [Theory]
    [InlineData("progress/audio_mp3.txt", 1_800_020_658)]
    [InlineData("progress/video_mp4.txt", 120_000_726)]
    public void TryConsume_RecordedRun_OneUpdatePerBlockEndingAtTheLastOutTime(string fixture, long lastMicroseconds)
    {
        var lines = Fixture.Lines(fixture);

        var updates = Feed(lines);

        updates.Count.ShouldBe(lines.Count(l => l.StartsWith("progress=", StringComparison.Ordinal)));
        updates.Count.ShouldBeGreaterThan(1);
        updates[^1].Ended.ShouldBeTrue();
        updates[..^1].ShouldAllBe(u => !u.Ended);
        updates[^1].OutTime.ShouldBe(TimeSpan.FromMicroseconds(lastMicroseconds));
        updates[^1].Speed.ShouldNotBeNull().ShouldBeGreaterThan(1);
        updates.Select(u => u.OutTime).ShouldBeInOrder(SortDirection.Ascending);
        updates[0].OutTime.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void TryConsume_RecordedAudioRun_FirstBlockSpeedIsNotAvailable()
    {
        Fixture.Lines("progress/audio_mp3.txt").Take(9).ShouldContain("speed=N/A");

        Feed(Fixture.Lines("progress/audio_mp3.txt"))[0].Speed.ShouldBeNull();
    }

    [Fact]
    public void TryConsume_EveryKeyOfABlock_ReturnsTrueOnlyOnProgress()
    {
        var progress = new FfmpegProgress();
        string[] block = ["frame=784", "fps=0.00", "stream_0_0_q=17.0", "bitrate= 134.6kbits/s", "total_size=524336",
            "out_time_us=31161179", "out_time_ms=31161179", "out_time=00:00:31.161179", "dup_frames=0", "drop_frames=0",
            "speed= 127x"];

        foreach (var line in block)
        {
            progress.TryConsume(line, out _).ShouldBeFalse();
        }

        progress.TryConsume("progress=continue", out var update).ShouldBeTrue();
        update.ShouldBe(new ProgressUpdate(TimeSpan.FromMicroseconds(31_161_179), 127, Ended: false));
    }

    [Fact]
    public void TryConsume_OutTimeMs_IsReadAsMicroseconds() =>
        Feed("out_time_ms=1500000", "progress=continue")[0].OutTime.ShouldBe(TimeSpan.FromSeconds(1.5));

    [Fact]
    public void TryConsume_OnlyTheClock_ReadsTheClock() =>
        Feed("out_time=01:02:03.500000", "progress=continue")[0].OutTime.ShouldBe(new TimeSpan(0, 1, 2, 3, 500));

    [Fact]
    public void TryConsume_TimesDisagree_PrefersMicrosecondsThenMillisecondsKeyThenClock()
    {
        Feed("out_time=00:00:03.000000", "out_time_ms=2000000", "out_time_us=1000000", "progress=continue")[0]
            .OutTime.ShouldBe(TimeSpan.FromSeconds(1));
        Feed("out_time=00:00:03.000000", "out_time_ms=2000000", "out_time_us=N/A", "progress=continue")[0]
            .OutTime.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void TryConsume_TimeNotAvailableOrNegative_KeepsTheLastKnownTime()
    {
        var updates = Feed(
            "out_time_us=-9223372036854775807", "out_time=-2562047788:00:54.775807", "progress=continue",
            "out_time_us=5000000", "progress=continue",
            "out_time_us=N/A", "out_time_ms=N/A", "out_time=N/A", "progress=continue",
            "progress=end");

        updates.Select(u => u.OutTime).ShouldBe(
            [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)]);
    }

    [Fact]
    public void TryConsume_SpeedOfAnEarlierBlock_IsNotCarriedOver() =>
        Feed("speed=2x", "progress=continue", "progress=continue").Select(u => u.Speed).ShouldBe([2, null]);

    [Theory]
    [InlineData("speed= 272x", 272)]
    [InlineData("speed=1.5x", 1.5)]
    [InlineData("speed=   0x", 0)]
    [InlineData("speed=2.84e+03x", 2840)]
    public void TryConsume_Speed_ReadsTheFactor(string line, double expected) =>
        Feed(line, "progress=continue")[0].Speed.ShouldBe(expected);

    [Theory]
    [InlineData("speed=N/A")]
    [InlineData("speed=fast")]
    [InlineData("speed=12")]
    [InlineData("speed=-1x")]
    public void TryConsume_SpeedNotAFactor_IsNull(string line) =>
        Feed(line, "progress=continue")[0].Speed.ShouldBeNull();

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("=continue")]
    [InlineData("Progress=continue")]
    public void TryConsume_NotAProgressLine_IsFalse(string line) => new FfmpegProgress().TryConsume(line, out _).ShouldBeFalse();

    [Fact]
    public void TryConsume_CarriageReturnAndSpaces_AreTrimmed()
    {
        var update = Feed(" out_time_us = 250000\r", "progress=end\r").Single();

        update.OutTime.ShouldBe(TimeSpan.FromMilliseconds(250));
        update.Ended.ShouldBeTrue();
    }

    [Theory]
    [InlineData("00:00:00.000000", 0L)]
    [InlineData("00:30:00.020658", 18_000_206_580L)]
    [InlineData("12:00:00.5", 432_005_000_000L)]
    [InlineData("100:59:59.999999", 3_635_999_999_990L)]
    public void TryParseClock_FfmpegClock_Parses(string text, long ticks)
    {
        FfmpegProgress.TryParseClock(text, out var value).ShouldBeTrue();
        value.ShouldBe(TimeSpan.FromTicks(ticks));
    }

    [Theory]
    [InlineData("N/A")]
    [InlineData("")]
    [InlineData("-00:00:00.023220")]
    [InlineData("00:60:00")]
    [InlineData("00:00:60")]
    [InlineData("1:2")]
    [InlineData("1:2:3:4")]
    [InlineData("99999999999:00:00")]
    public void TryParseClock_NotAClock_Fails(string text) => FfmpegProgress.TryParseClock(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData(0, 100, 0)]
    [InlineData(50, 100, 50)]
    [InlineData(29, 100, 29)]
    [InlineData(99.99, 100, 99)]
    [InlineData(100, 100, 100)]
    [InlineData(100.02, 100, 100)]
    [InlineData(-5, 100, 0)]
    [InlineData(5, 0, 0)]
    [InlineData(5, -1, 0)]
    [InlineData(1800.020658, 1800.020658, 100)]
    public void Percent_ClampsAndRoundsDown(double doneSeconds, double totalSeconds, int expected) =>
        FfmpegProgress.Percent(TimeSpan.FromSeconds(doneSeconds), TimeSpan.FromSeconds(totalSeconds)).ShouldBe(expected);

    [Fact]
    public void Percent_LongestTimes_DoNotOverflow() =>
        FfmpegProgress.Percent(TimeSpan.MaxValue, TimeSpan.FromTicks(TimeSpan.MaxValue.Ticks / 2 + 1)).ShouldBe(100);
}
