namespace Airwave.Core.Time;

/// <summary>
/// The system clock truncated to whole microseconds: the precision both SQLite (as stored here) and PostgreSQL keep.
/// A time returned by the API therefore reads back identically after a round trip through the database.
/// </summary>
public sealed class MicrosecondClock : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        var now = System.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMicrosecond));
    }
}
