namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>
/// Peaks for a player's waveform, from mono 16-bit PCM (what <c>ffmpeg -i FILE -ac 1 -f s16le -</c> writes).
/// Each point is the largest absolute sample of its share of the audio, divided by 32768 and rounded to 3
/// decimals, so the JSON stays small and a full-scale sample is exactly 1.
/// </summary>
internal static class WaveformPeaks
{
    /// <summary>
    /// <paramref name="points"/> peaks over <paramref name="samples"/>; one per sample when there are fewer
    /// samples than points, none when there are no samples.
    /// </summary>
    public static float[] FromPcm(ReadOnlySpan<short> samples, int points)
    {
        var builder = new WaveformBuilder(samples.Length, points);
        builder.Add(samples);
        return builder.ToArray();
    }
}
