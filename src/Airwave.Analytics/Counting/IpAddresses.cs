namespace Airwave.Analytics.Counting;

/// <summary>
/// IP addresses as 128-bit numbers: IPv6 as is, IPv4 in its IPv4-mapped form (::ffff:a.b.c.d), so an IPv4-mapped
/// IPv6 address and the plain IPv4 address are the same value. Parsed from log bytes without allocating.
/// </summary>
internal static class IpAddresses
{
    private static readonly UInt128 MappedPrefix = new(0, 0x0000_FFFF_0000_0000UL);
    private static readonly UInt128 MappedMask = new(ulong.MaxValue, 0xFFFF_FFFF_0000_0000UL);

    public static bool IsIPv4(UInt128 address) => (address & MappedMask) == MappedPrefix;

    /// <summary>
    /// The part of an address that identifies a listener: an IPv4 address whole, an IPv6 address truncated to its
    /// /64 (one household or device network; the rest changes with privacy extensions).
    /// </summary>
    public static UInt128 ListenerPart(UInt128 address) =>
        IsIPv4(address) ? address : address & new UInt128(ulong.MaxValue, 0);

    public static UInt128 FromIPv4(uint value) => MappedPrefix | value;

    public static bool TryParse(ReadOnlySpan<byte> text, out UInt128 address)
    {
        address = default;
        text = text.Trim((byte)' ');
        if (text.Length >= 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }

        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryParseIPv4(text, out var v4))
            {
                return false;
            }

            address = FromIPv4(v4);
            return true;
        }

        var zone = text.IndexOf((byte)'%');
        if (zone >= 0)
        {
            text = text[..zone];
        }

        return TryParseIPv6(text, out address);
    }

    public static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        var octets = 0;
        var position = 0;
        while (true)
        {
            var start = position;
            var octet = 0;
            while (position < text.Length && (uint)(text[position] - '0') <= 9)
            {
                octet = octet * 10 + (text[position] - '0');
                position++;
                if (position - start > 3)
                {
                    return false;
                }
            }

            if (position == start || octet > 255)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
            octets++;
            if (octets == 4)
            {
                return position == text.Length;
            }

            if (position >= text.Length || text[position] != '.')
            {
                return false;
            }

            position++;
        }
    }

    /// <summary>
    /// RFC 4291 text: eight groups of 1 to 4 hex digits, at most one "::" for a run of zero groups, and optionally a
    /// dotted IPv4 address as the last two groups. The groups are shifted into place as they are read: those before
    /// the "::" into <c>head</c>, those after it into <c>tail</c>.
    /// </summary>
    private static bool TryParseIPv6(ReadOnlySpan<byte> text, out UInt128 address)
    {
        address = default;
        UInt128 head = 0, tail = 0;
        var count = 0;
        var gap = -1;
        var position = 0;
        if (text.StartsWith("::"u8))
        {
            gap = 0;
            position = 2;
            if (text.Length == 2)
            {
                return true;
            }
        }
        else if (text.Length > 0 && text[0] == ':')
        {
            return false;
        }

        while (position < text.Length)
        {
            if (count == 8)
            {
                return false;
            }

            var start = position;
            var group = 0;
            int digit;
            while (position < text.Length && (digit = HexValue(text[position])) >= 0)
            {
                group = (group << 4) | digit;
                position++;
                if (position - start > 4)
                {
                    return false;
                }
            }

            if (position < text.Length && text[position] == '.')
            {
                // An IPv4 tail (::ffff:192.0.2.1): the rest of the text is a dotted quad filling two groups.
                if (count > 6 || !TryParseIPv4(text[start..], out var v4))
                {
                    return false;
                }

                if (gap < 0)
                {
                    head = (head << 32) | v4;
                }
                else
                {
                    tail = (tail << 32) | v4;
                }

                count += 2;
                break;
            }

            if (position == start)
            {
                return false;
            }

            if (gap < 0)
            {
                head = (head << 16) | (uint)group;
            }
            else
            {
                tail = (tail << 16) | (uint)group;
            }

            count++;
            if (position == text.Length)
            {
                break;
            }

            if (text[position] != ':')
            {
                return false;
            }

            position++;
            if (position < text.Length && text[position] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                position++;
                if (position == text.Length)
                {
                    break;
                }
            }
            else if (position == text.Length)
            {
                return false;
            }
        }

        if (gap < 0)
        {
            if (count != 8)
            {
                return false;
            }

            address = head;
            return true;
        }

        if (count > 7)
        {
            return false;
        }

        // The groups before the "::" go to the top; the zero groups it stands for fill the space to the tail.
        address = gap == 0 ? tail : (head << (16 * (8 - gap))) | tail;
        return true;
    }

    /// <summary>
    /// The value of each byte as a hex digit, -1 for other bytes. Read once per character of every IPv6 address: a
    /// table lookup has no branches to mispredict on the random mix of digits and letters that addresses are.
    /// </summary>
    private static readonly sbyte[] HexDigits = BuildHexDigits();

    private static int HexValue(byte c) => HexDigits[c];

    private static sbyte[] BuildHexDigits()
    {
        var digits = new sbyte[256];
        Array.Fill(digits, (sbyte)-1);
        for (var i = 0; i < 10; i++)
        {
            digits['0' + i] = (sbyte)i;
        }

        for (var i = 0; i < 6; i++)
        {
            digits['a' + i] = (sbyte)(10 + i);
            digits['A' + i] = (sbyte)(10 + i);
        }

        return digits;
    }
}

/// <summary>
/// A set of CIDR ranges (data centres to exclude, safe addresses) as sorted, merged intervals: a lookup is a binary
/// search, so lists of thousands of published cloud ranges cost nothing per request.
/// </summary>
internal sealed class IpRangeSet
{
    private readonly UInt128[] _starts;
    private readonly UInt128[] _ends;

    private IpRangeSet(UInt128[] starts, UInt128[] ends)
    {
        _starts = starts;
        _ends = ends;
    }

    public static IpRangeSet Empty { get; } = new([], []);

    public int Count => _starts.Length;

    /// <summary>Parses CIDR ranges (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>) or single addresses.</summary>
    /// <exception cref="FormatException">A range is not valid; the message names it.</exception>
    public static IpRangeSet Parse(IEnumerable<string> ranges)
    {
        var intervals = new List<(UInt128 Start, UInt128 End)>();
        foreach (var raw in ranges)
        {
            var text = raw.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var slash = text.IndexOf('/', StringComparison.Ordinal);
            var addressText = slash < 0 ? text : text[..slash];
            if (!IpAddresses.TryParse(System.Text.Encoding.ASCII.GetBytes(addressText), out var address))
            {
                throw new FormatException($"'{raw}' is not an IP address or CIDR range.");
            }

            var ipv4 = IpAddresses.IsIPv4(address) && addressText.Contains('.', StringComparison.Ordinal);
            var maxBits = ipv4 ? 32 : 128;
            var bits = maxBits;
            if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out bits) || bits > maxBits))
            {
                throw new FormatException($"'{raw}' has an invalid prefix length (0 to {maxBits}).");
            }

            var hostBits = maxBits - bits;
            var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            intervals.Add((address & ~hostMask, address | hostMask));
        }

        intervals.Sort((a, b) => a.Start.CompareTo(b.Start));
        var starts = new List<UInt128>();
        var ends = new List<UInt128>();
        foreach (var (start, end) in intervals)
        {
            if (ends.Count > 0 && (ends[^1] == UInt128.MaxValue || start <= ends[^1] + 1))
            {
                if (end > ends[^1])
                {
                    ends[^1] = end;
                }

                continue;
            }

            starts.Add(start);
            ends.Add(end);
        }

        return new IpRangeSet([.. starts], [.. ends]);
    }

    public bool Contains(UInt128 address)
    {
        if (_starts.Length == 0)
        {
            return false;
        }

        var index = Array.BinarySearch(_starts, address);
        if (index >= 0)
        {
            return true;
        }

        index = ~index - 1;
        return index >= 0 && address <= _ends[index];
    }
}
