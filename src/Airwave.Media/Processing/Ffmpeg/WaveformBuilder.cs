using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>
/// Builds waveform peaks (see <see cref="WaveformPeaks"/>) while the PCM streams out of ffmpeg, keeping one number
/// per point, so a 12-hour file never has to be held in memory. Feed it chunks in order, then call
/// <see cref="ToArray"/>. One instance reads one stream; it is not thread-safe.
/// </summary>
/// <remarks>
/// Point i covers samples [i·total/points, (i+1)·total/points). The total is known before decoding only as
/// duration × sample rate from ffprobe, which can be off (a truncated MP3 reports the duration its header
/// promised). So samples past the total are folded into the last point, and when fewer samples arrive than
/// announced <see cref="ToArray"/> returns only the points that received any, rather than a flat tail of silence.
/// </remarks>
internal sealed class WaveformBuilder
{
    private const double FullScale = 32768;

    private readonly long _totalSamples;
    private readonly int[] _peaks;
    private long _position;
    private int _point;
    private long _pointEnd;
    private int _pendingByte = -1;

    /// <param name="totalSamples">How many samples the stream will hold (duration × sample rate).</param>
    /// <param name="points">How many peaks to produce; fewer when there are fewer samples than points.</param>
    public WaveformBuilder(long totalSamples, int points)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        _totalSamples = totalSamples;
        _peaks = new int[Math.Min(points, Math.Max(totalSamples, 1))];
        _pointEnd = End(0);
    }

    /// <summary>How many samples have been added so far.</summary>
    public long SamplesAdded => _position;

    /// <summary>Adds the next samples of the stream.</summary>
    public void Add(ReadOnlySpan<short> samples)
    {
        var last = _peaks.Length - 1;
        while (!samples.IsEmpty)
        {
            while (_point < last && _position >= _pointEnd)
            {
                _point++;
                _pointEnd = End(_point);
            }

            var take = _point == last ? samples.Length : (int)Math.Min(samples.Length, _pointEnd - _position);
            _peaks[_point] = Math.Max(_peaks[_point], MaxAbs(samples[..take]));
            _position += take;
            samples = samples[take..];
        }
    }

    /// <summary>
    /// Adds the next bytes of signed 16-bit little-endian PCM (<c>-f s16le</c>) exactly as read from the pipe: a
    /// read may end in the middle of a sample, whose first byte is kept for the next call.
    /// </summary>
    public void AddS16Le(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        if (_pendingByte >= 0)
        {
            Add([(short)(_pendingByte | (bytes[0] << 8))]);
            _pendingByte = -1;
            bytes = bytes[1..];
        }

        var whole = bytes[..(bytes.Length & ~1)];
        if (BitConverter.IsLittleEndian)
        {
            Add(MemoryMarshal.Cast<byte, short>(whole));
        }
        else
        {
            Span<short> buffer = stackalloc short[256];
            while (!whole.IsEmpty)
            {
                var count = Math.Min(buffer.Length, whole.Length / 2);
                for (var i = 0; i < count; i++)
                {
                    buffer[i] = BinaryPrimitives.ReadInt16LittleEndian(whole[(2 * i)..]);
                }

                Add(buffer[..count]);
                whole = whole[(2 * count)..];
            }
        }

        if ((bytes.Length & 1) != 0)
        {
            _pendingByte = bytes[^1];
        }
    }

    /// <summary>The peaks so far, each in 0..1 with 3 decimals.</summary>
    public float[] ToArray()
    {
        var filled = _position == 0 ? 0 : _point + 1;
        var peaks = new float[filled];
        for (var i = 0; i < filled; i++)
        {
            peaks[i] = (float)Math.Round(_peaks[i] / FullScale, 3, MidpointRounding.AwayFromZero);
        }

        return peaks;
    }

    private long End(int point) => (long)((Int128)(point + 1) * _totalSamples / _peaks.Length);

    /// <summary>The largest |sample| (0..32768), vectorised because it runs over every sample of every file.</summary>
    private static int MaxAbs(ReadOnlySpan<short> samples)
    {
        int max = 0, min = 0, i = 0;
        if (Vector.IsHardwareAccelerated && samples.Length >= Vector<short>.Count)
        {
            var vectors = MemoryMarshal.Cast<short, Vector<short>>(samples);
            Vector<short> highest = Vector<short>.Zero, lowest = Vector<short>.Zero;
            foreach (var vector in vectors)
            {
                highest = Vector.Max(highest, vector);
                lowest = Vector.Min(lowest, vector);
            }

            for (var lane = 0; lane < Vector<short>.Count; lane++)
            {
                max = Math.Max(max, highest[lane]);
                min = Math.Min(min, lowest[lane]);
            }

            i = vectors.Length * Vector<short>.Count;
        }

        for (; i < samples.Length; i++)
        {
            max = Math.Max(max, samples[i]);
            min = Math.Min(min, samples[i]);
        }

        return Math.Max(max, -min);
    }
}
