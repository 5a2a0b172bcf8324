using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.UnitTests.Media;

public sealed class WaveformPeaksTests
{
    /// <summary>The obvious definition, for comparing with the streaming one.</summary>
    private static float[] Reference(short[] samples, int points)
    {
        var count = Math.Min(points, samples.Length);
        return Enumerable.Range(0, count)
            .Select(i => samples[(int)((long)i * samples.Length / count)..(int)((long)(i + 1) * samples.Length / count)])
            .Select(bucket => (float)Math.Round(bucket.Max(s => Math.Abs((int)s)) / 32768.0, 3, MidpointRounding.AwayFromZero))
            .ToArray();
    }

    private static short[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
    }

    [Fact]
    public void FromPcm_EvenSplit_LargestAbsoluteSamplePerPoint() =>
        WaveformPeaks.FromPcm([0, 16384, -32768, 100, 32767, -1], 3).ShouldBe([0.5f, 1f, 1f]);

    [Fact]
    public void FromPcm_FullScale_IsExactlyOneAndSilenceIsZero() =>
        WaveformPeaks.FromPcm([short.MinValue, 0, 0], 3).ShouldBe([1f, 0f, 0f]);

    [Theory]
    [InlineData(1000, 0.031f)]
    [InlineData(16, 0f)]
    [InlineData(17, 0.001f)]
    [InlineData(3277, 0.1f)]
    [InlineData(-6554, 0.2f)]
    public void FromPcm_Value_RoundsToThreeDecimals(short sample, float expected) =>
        WaveformPeaks.FromPcm([sample], 1).ShouldBe([expected]);

    [Fact]
    public void FromPcm_FewerSamplesThanPoints_OnePointPerSample() =>
        WaveformPeaks.FromPcm([3277, -6554], 10).ShouldBe([0.1f, 0.2f]);

    [Fact]
    public void FromPcm_NoSamples_IsEmpty() => WaveformPeaks.FromPcm([], 100).ShouldBeEmpty();

    [Theory]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    public void FromPcm_UnevenSplit_PointsCoverProportionalShares(int spikeAt, int expectedPoint)
    {
        // 10 samples over 3 points: [0, 3), [3, 6), [6, 10).
        var samples = new short[10];
        samples[spikeAt] = short.MaxValue;

        var peaks = WaveformPeaks.FromPcm(samples, 3);

        peaks.Length.ShouldBe(3);
        Array.IndexOf(peaks, 1f).ShouldBe(expectedPoint);
    }

    [Theory]
    [InlineData(100_003, 777, 1)]
    [InlineData(48_000, 48_000, 2)]
    [InlineData(1_000, 1, 3)]
    [InlineData(65, 64, 4)]
    public void FromPcm_Noise_MatchesTheObviousDefinition(int count, int points, int seed)
    {
        var samples = Noise(count, seed);
        samples[count / 2] = short.MinValue;

        WaveformPeaks.FromPcm(samples, points).ShouldBe(Reference(samples, points));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void FromPcm_PointsNotPositive_Throws(int points) =>
        Should.Throw<ArgumentOutOfRangeException>(() => WaveformPeaks.FromPcm([1, 2, 3], points));

    [Fact]
    public void Builder_NegativeTotal_Throws() => Should.Throw<ArgumentOutOfRangeException>(() => new WaveformBuilder(-1, 10));

    [Fact]
    public void Builder_ChunksOfAnySize_GiveTheSamePeaksAsOneCall()
    {
        var samples = Noise(250_000, 5);
        var builder = new WaveformBuilder(samples.Length, 1000);
        var random = new Random(6);

        for (var offset = 0; offset < samples.Length;)
        {
            var size = Math.Min(samples.Length - offset, random.Next(0, 3) switch { 0 => 1, 1 => random.Next(2, 64), _ => random.Next(64, 9000) });
            builder.Add(samples.AsSpan(offset, size));
            offset += size;
        }

        builder.SamplesAdded.ShouldBe(samples.Length);
        builder.ToArray().ShouldBe(Reference(samples, 1000));
    }

    [Fact]
    public void AddS16Le_ReadsEndingMidSample_GiveTheSamePeaksAsSamples()
    {
        var samples = Noise(10_001, 7);
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            bytes[2 * i] = (byte)samples[i];
            bytes[(2 * i) + 1] = (byte)(samples[i] >> 8);
        }

        var builder = new WaveformBuilder(samples.Length, 100);
        foreach (var size in new[] { 1, 1, 3, 4097, 0, 7, 2 })
        {
            builder.AddS16Le(bytes.AsSpan(0, size));
            bytes = bytes[size..];
        }

        builder.AddS16Le(bytes);

        builder.SamplesAdded.ShouldBe(samples.Length);
        builder.ToArray().ShouldBe(Reference(samples, 100));
    }

    [Fact]
    public void Builder_MoreSamplesThanAnnounced_FoldsTheRestIntoTheLastPoint()
    {
        var builder = new WaveformBuilder(4, 2);
        builder.Add([0, 0, 0, 0]);
        builder.Add([short.MaxValue, 0]);

        builder.ToArray().ShouldBe([0f, 1f]);
    }

    [Fact]
    public void Builder_FewerSamplesThanAnnounced_ReturnsOnlyThePointsReached()
    {
        var builder = new WaveformBuilder(100, 10);
        builder.Add(Enumerable.Repeat((short)16384, 35).ToArray());

        builder.ToArray().ShouldBe([0.5f, 0.5f, 0.5f, 0.5f]);
    }

    [Fact]
    public void Builder_NothingAdded_IsEmpty() => new WaveformBuilder(1_000, 10).ToArray().ShouldBeEmpty();

    [Fact]
    public void Builder_TwelveHoursAnnounced_SplitsWithoutOverflow()
    {
        // 12 h of 48 kHz mono is more samples than an int holds.
        const long twelveHours = 12L * 3600 * 48_000;
        var builder = new WaveformBuilder(twelveHours, 1_800);
        var chunk = new short[twelveHours / 1_800];

        builder.Add(chunk);
        chunk[^1] = short.MaxValue;
        builder.Add(chunk);

        builder.ToArray().ShouldBe([0f, 1f]);
    }
}
