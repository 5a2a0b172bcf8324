using System.Collections.Concurrent;

namespace Airwave.Media.Features;

/// <summary>
/// Waveform peaks read from storage, by blob key. Keys are content-addressed, so an entry never goes stale; episode
/// pages ask for the same few waveforms again and again, and a page view should not cost a storage read. Bounded: when
/// full it starts over, which is crude but keeps memory fixed (a waveform is about 8 KB).
/// </summary>
internal sealed class WaveformCache
{
    private const int Capacity = 512;
    private readonly ConcurrentDictionary<string, IReadOnlyList<double>> _peaks = new(StringComparer.Ordinal);

    public bool TryGet(string key, out IReadOnlyList<double> peaks) => _peaks.TryGetValue(key, out peaks!);

    public void Add(string key, IReadOnlyList<double> peaks)
    {
        if (_peaks.Count >= Capacity)
        {
            _peaks.Clear();
        }

        _peaks[key] = peaks;
    }
}
