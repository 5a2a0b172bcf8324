using System.Globalization;

namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>One block of ffmpeg's progress report.</summary>
/// <param name="OutTime">How much of the output is written: the block's out time, or the last one known.</param>
/// <param name="Speed">Media seconds per wall-clock second (272 for "speed= 272x"); null while ffmpeg says N/A.</param>
/// <param name="Ended">The block ended with progress=end: ffmpeg has finished writing (it may still fail after).</param>
internal readonly record struct ProgressUpdate(TimeSpan OutTime, double? Speed, bool Ended);

/// <summary>
/// Reads what ffmpeg writes with <c>-progress pipe:1 -nostats</c>, one line at a time: blocks of key=value lines,
/// each closed by <c>progress=continue</c> (or <c>progress=end</c> for the last). ffmpeg 5.1 writes, for audio,
/// <c>bitrate total_size out_time_us out_time_ms out_time dup_frames drop_frames speed progress</c>, and for video
/// <c>frame fps stream_N_N_q</c> before them; one block per <c>-stats_period</c> (0.5 s by default).
/// </summary>
/// <remarks>
/// The time is read from out_time_us, else out_time_ms (which despite its name is also in microseconds: ffmpeg
/// kept the old bug for compatibility), else out_time ("00:01:42.949637"). A block whose time is N/A or negative
/// (nothing written yet; older ffmpeg printed huge negative numbers there) keeps the last known time, so the
/// reported time never goes backwards. One instance reads one ffmpeg run; it is not thread-safe.
/// </remarks>
internal sealed class FfmpegProgress
{
    private TimeSpan _outTime;
    private TimeSpan? _fromMicroseconds;
    private TimeSpan? _fromMilliseconds;
    private TimeSpan? _fromClock;
    private double? _speed;

    /// <summary>Takes one line; returns true with the block's update when the line closes a block.</summary>
    public bool TryConsume(string line, out ProgressUpdate update)
    {
        update = default;
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }

        var key = line.AsSpan(0, equals).Trim();
        var value = line.AsSpan(equals + 1).Trim();
        switch (key)
        {
            case "out_time_us":
                _fromMicroseconds = Microseconds(value);
                return false;
            case "out_time_ms":
                _fromMilliseconds = Microseconds(value);
                return false;
            case "out_time":
                _fromClock = TryParseClock(value, out var clock) ? clock : null;
                return false;
            case "speed":
                _speed = Speed(value);
                return false;
            case "progress":
                _outTime = _fromMicroseconds ?? _fromMilliseconds ?? _fromClock ?? _outTime;
                update = new ProgressUpdate(_outTime, _speed, value.Equals("end", StringComparison.Ordinal));
                _fromMicroseconds = _fromMilliseconds = _fromClock = null;
                _speed = null;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Whole percent of <paramref name="total"/> that <paramref name="done"/> covers, rounded down so 100 means
    /// really done, and clamped to 0..100 (the output often runs a few milliseconds past the probed duration).
    /// 0 when the total is unknown (zero or negative).
    /// </summary>
    public static int Percent(TimeSpan done, TimeSpan total)
    {
        if (total <= TimeSpan.Zero || done <= TimeSpan.Zero)
        {
            return 0;
        }

        return (int)Int128.Min((Int128)done.Ticks * 100 / total.Ticks, 100);
    }

    /// <summary>"HH:MM:SS.ffffff" as ffmpeg prints it (hours may exceed 23); false for N/A or a negative time.</summary>
    internal static bool TryParseClock(ReadOnlySpan<char> text, out TimeSpan value)
    {
        value = default;
        Span<Range> parts = stackalloc Range[4];
        if (text.Split(parts, ':') != 3
            || !long.TryParse(text[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || !decimal.TryParse(text[parts[2]], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || minutes > 59 || seconds >= 60 || hours > TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerHour - 1)
        {
            return false;
        }

        value = TimeSpan.FromTicks((hours * 3600 + minutes * 60) * TimeSpan.TicksPerSecond
            + (long)decimal.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    private static TimeSpan? Microseconds(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var us)
        && us >= 0 && us <= TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond
            ? TimeSpan.FromTicks(us * TimeSpan.TicksPerMicrosecond)
            : null;

    /// <summary>"272x", " 1.5x", "0x"; null for "N/A".</summary>
    private static double? Speed(ReadOnlySpan<char> text) =>
        text.EndsWith("x", StringComparison.Ordinal)
        && double.TryParse(text[..^1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var speed)
        && double.IsFinite(speed) && speed >= 0
            ? speed
            : null;
}
