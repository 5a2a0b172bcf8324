namespace Airwave.Analytics.Counting;

/// <summary>
/// Times in the counting engine are UTC ticks (100 ns since 0001-01-01), so windows are plain arithmetic.
/// The parser reads RFC 3339 timestamps as written by the delivery log and most tools, without allocating.
/// </summary>
internal static class UtcTime
{
    public const long TicksPerSecond = TimeSpan.TicksPerSecond;
    public const long TicksPerHour = TimeSpan.TicksPerHour;
    public const long TicksPerDay = TimeSpan.TicksPerDay;

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)</c> (also with a space for the T, or a lower-case t/z).
    /// A fraction finer than 100 ns is truncated.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long ticks)
    {
        ticks = 0;
        if (text.Length < 20
            || !Digits(text, 0, 4, out var year) || text[4] != '-'
            || !Digits(text, 5, 2, out var month) || text[7] != '-'
            || !Digits(text, 8, 2, out var day) || (text[10] | 0x20) != 't' && text[10] != ' '
            || !Digits(text, 11, 2, out var hour) || text[13] != ':'
            || !Digits(text, 14, 2, out var minute) || text[16] != ':'
            || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59
            || second > 59)
        {
            return false;
        }

        var position = 19;
        long fraction = 0;
        if (text[position] == '.')
        {
            position++;
            var start = position;
            long scale = TicksPerSecond;
            while (position < text.Length && (uint)(text[position] - '0') <= 9)
            {
                if (scale > 1)
                {
                    scale /= 10;
                    fraction += (text[position] - '0') * scale;
                }

                position++;
            }

            if (position == start)
            {
                return false;
            }
        }

        if (position >= text.Length)
        {
            return false;
        }

        long offset;
        if ((text[position] | 0x20) == 'z' && position + 1 == text.Length)
        {
            offset = 0;
        }
        else if ((text[position] == '+' || text[position] == '-') && position + 6 == text.Length
                 && Digits(text, position + 1, 2, out var offsetHours) && text[position + 3] == ':'
                 && Digits(text, position + 4, 2, out var offsetMinutes) && offsetHours < 24 && offsetMinutes < 60)
        {
            offset = (offsetHours * 60L + offsetMinutes) * TimeSpan.TicksPerMinute * (text[position] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction - offset;
        return ticks >= 0;
    }

    /// <summary>A date (yyyy-MM-dd) and a time (HH:mm:ss) in separate fields, as in CloudFront logs; both UTC.</summary>
    public static bool TryParseDateAndTime(ReadOnlySpan<byte> date, ReadOnlySpan<byte> time, out long ticks)
    {
        ticks = 0;
        if (date.Length != 10 || time.Length != 8
            || !Digits(date, 0, 4, out var year) || date[4] != '-' || !Digits(date, 5, 2, out var month) || date[7] != '-'
            || !Digits(date, 8, 2, out var day)
            || !Digits(time, 0, 2, out var hour) || time[2] != ':' || !Digits(time, 3, 2, out var minute) || time[5] != ':'
            || !Digits(time, 6, 2, out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59
            || second > 59)
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks;
        return true;
    }

    public static DateTime ToDateTime(long ticks) => new(ticks, DateTimeKind.Utc);

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = value * 10 + (int)digit;
        }

        return true;
    }
}
