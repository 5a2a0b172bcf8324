using System.Buffers.Binary;
using System.Text;

namespace Airwave.Analytics.Geography;

/// <summary>Where an address is, as far as the database knows; <see cref="Unknown"/> for every part it does not.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 code (<c>DE</c>), or <c>unknown</c>.</param>
/// <param name="Region">The first (largest) subdivision's English name (<c>Bavaria</c>), or <c>unknown</c>.</param>
/// <param name="City">The city's English name, or <c>unknown</c>.</param>
public sealed record GeoLocation(string Country, string Region, string City)
{
    public const string UnknownValue = "unknown";

    public static GeoLocation Unknown { get; } = new(UnknownValue, UnknownValue, UnknownValue);
}

/// <summary>Turns a client address into a place.</summary>
internal interface IGeoLookup
{
    /// <summary>The place of <paramref name="address"/> (IPv4 in its mapped form); never throws, unknown when not found.</summary>
    GeoLocation Lookup(UInt128 address);
}

/// <summary>The file is not a MaxMind DB this reader can use; the message says why.</summary>
public sealed class MaxMindDatabaseException(string message) : Exception(message);

/// <summary>
/// A reader of the MaxMind DB format (spec v2.0: https://maxmind.github.io/MaxMind-DB/) for the City databases of
/// MaxMind GeoLite2 and DB-IP Lite. Written here because no .NET reader restores from the package mirror (MaxMind.Db
/// does not); the format is small: a binary search tree over the address bits whose leaves point into a data section
/// of typed values (maps, strings, integers). The whole file is held in memory (a City database is 30 to 130 MB) and
/// only three fields are read from a record: <c>country.iso_code</c>, <c>subdivisions[0].names.en</c> and
/// <c>city.names.en</c>. Lookups are thread-safe; decoded records are cached by their offset, since millions of
/// networks share a few hundred thousand records.
/// </summary>
internal sealed class MaxMindDatabase : IGeoLookup
{
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];
    private const int MetadataMaxSize = 128 * 1024;
    private const int DataSeparator = 16;
    private const int MaxCachedRecords = 200_000;
    private const int MaxDepth = 32;

    private readonly byte[] _file;
    private readonly int _nodeCount;
    private readonly int _recordSize;
    private readonly int _nodeBytes;
    private readonly int _dataStart;
    private readonly int _dataEnd;
    private readonly int _ipv4Start;
    private readonly int _ipv4StartDepth;
    private readonly Dictionary<int, GeoLocation> _cache = [];
    private readonly Lock _cacheLock = new();

    private MaxMindDatabase(byte[] file)
    {
        _file = file;
        var markerAt = file.AsSpan(Math.Max(0, file.Length - MetadataMaxSize)).LastIndexOf(MetadataMarker);
        if (markerAt < 0)
        {
            throw new MaxMindDatabaseException("it has no MaxMind DB metadata (the \\xAB\\xCD\\xEFMaxMind.com marker is missing); is it an .mmdb file?");
        }

        var metadataStart = Math.Max(0, file.Length - MetadataMaxSize) + markerAt + MetadataMarker.Length;
        var metadata = new Decoder(file, metadataStart, file.Length).Decode(metadataStart, 0) as Dictionary<string, object?>
            ?? throw new MaxMindDatabaseException("its metadata is not a map.");
        var major = Unsigned(metadata, "binary_format_major_version");
        if (major != 2)
        {
            throw new MaxMindDatabaseException($"binary format version {major} is not supported (only 2.x).");
        }

        var nodeCount = Unsigned(metadata, "node_count");
        _recordSize = (int)Unsigned(metadata, "record_size");
        IpVersion = (int)Unsigned(metadata, "ip_version");
        DatabaseType = metadata.GetValueOrDefault("database_type") as string ?? "";
        if (_recordSize is not (24 or 28 or 32))
        {
            throw new MaxMindDatabaseException($"record size {_recordSize} is not 24, 28 or 32 bits.");
        }

        if (IpVersion is not (4 or 6))
        {
            throw new MaxMindDatabaseException($"ip_version {IpVersion} is not 4 or 6.");
        }

        _nodeBytes = _recordSize / 4;
        var treeSize = nodeCount * (ulong)_nodeBytes;
        if (nodeCount == 0 || treeSize + DataSeparator > (ulong)(metadataStart - MetadataMarker.Length))
        {
            throw new MaxMindDatabaseException($"its search tree ({nodeCount} nodes of {_nodeBytes} bytes) does not fit in the file; it is truncated or corrupt.");
        }

        _nodeCount = (int)nodeCount;
        _dataStart = (int)treeSize + DataSeparator;
        _dataEnd = metadataStart - MetadataMarker.Length;
        if (file.AsSpan((int)treeSize, DataSeparator).ContainsAnyExcept((byte)0))
        {
            throw new MaxMindDatabaseException("the 16 zero bytes between the search tree and the data section are not there; the file is corrupt.");
        }

        // IPv4 addresses in an IPv6 tree live under ::/96 (96 zero bits); found once, not per lookup.
        (_ipv4Start, _ipv4StartDepth) = (0, 0);
        if (IpVersion == 6)
        {
            var node = 0;
            var depth = 0;
            for (; depth < 96 && node < _nodeCount; depth++)
            {
                node = Record(node, 0);
            }

            (_ipv4Start, _ipv4StartDepth) = (node, depth);
        }
    }

    /// <summary>4 or 6: whether the tree holds only IPv4 addresses.</summary>
    public int IpVersion { get; }

    /// <summary>E.g. <c>GeoLite2-City</c> or <c>DBIP-City-Lite</c>.</summary>
    public string DatabaseType { get; }

    /// <summary>Reads and checks a database file.</summary>
    /// <exception cref="MaxMindDatabaseException">The file is unreadable or not a usable MaxMind DB; the message says why.</exception>
    public static MaxMindDatabase Open(string path)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new MaxMindDatabaseException(error.Message);
        }

        try
        {
            return new MaxMindDatabase(file);
        }
        catch (Exception error) when (error is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidCastException)
        {
            throw new MaxMindDatabaseException("its metadata is truncated or corrupt.");
        }
    }

    public GeoLocation Lookup(UInt128 address)
    {
        var isV4 = (address >> 32) == 0xFFFF;
        if (IpVersion == 4 && !isV4)
        {
            return GeoLocation.Unknown; // an IPv4-only database knows nothing of IPv6 networks
        }

        try
        {
            var node = isV4 ? _ipv4Start : 0;
            var depth = isV4 ? _ipv4StartDepth : 0;
            var bits = isV4 ? 32 : 128;
            var value = isV4 ? (uint)address : address;
            for (var bit = 0; bit < bits && node < _nodeCount; bit++)
            {
                var right = (int)((value >> (bits - 1 - bit)) & 1);
                node = Record(node, right);
            }

            if (node <= _nodeCount)
            {
                return GeoLocation.Unknown; // == node count: no data for this network; < node count: ran out of bits
            }

            var offset = _dataStart + (node - _nodeCount - DataSeparator);
            return Location(offset);
        }
        catch (Exception error) when (error is MaxMindDatabaseException or IndexOutOfRangeException or ArgumentException
            or InvalidCastException or OverflowException)
        {
            // A damaged record affects that network only; the address stays unknown rather than failing the counting.
            return GeoLocation.Unknown;
        }
    }

    /// <summary>The record of a node: the left (0) or right (1) child.</summary>
    private int Record(int node, int right)
    {
        var at = node * _nodeBytes;
        var bytes = _file.AsSpan(at, _nodeBytes);
        return _recordSize switch
        {
            24 => right == 0 ? bytes[0] << 16 | bytes[1] << 8 | bytes[2] : bytes[3] << 16 | bytes[4] << 8 | bytes[5],
            // 28 bits: the middle byte's high nibble tops the left record, its low nibble the right one.
            28 => right == 0
                ? (bytes[3] & 0xF0) << 20 | bytes[0] << 16 | bytes[1] << 8 | bytes[2]
                : (bytes[3] & 0x0F) << 24 | bytes[4] << 16 | bytes[5] << 8 | bytes[6],
            _ => checked((int)BinaryPrimitives.ReadUInt32BigEndian(bytes[(right * 4)..])),
        };
    }

    private GeoLocation Location(int offset)
    {
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(offset, out var cached))
            {
                return cached;
            }
        }

        var record = new Decoder(_file, _dataStart, _dataEnd).Decode(offset, 0) as Dictionary<string, object?>;
        var location = new GeoLocation(
            Text(Path(record, "country", "iso_code")) ?? GeoLocation.UnknownValue,
            Text(Path(First(Path(record, "subdivisions")), "names", "en")) ?? GeoLocation.UnknownValue,
            Text(Path(record, "city", "names", "en")) ?? GeoLocation.UnknownValue);
        lock (_cacheLock)
        {
            if (_cache.Count < MaxCachedRecords)
            {
                _cache[offset] = location;
            }
        }

        return location;
    }

    private static object? Path(object? value, params string[] keys)
    {
        foreach (var key in keys)
        {
            value = value is Dictionary<string, object?> map ? map.GetValueOrDefault(key) : null;
        }

        return value;
    }

    private static object? First(object? value) => value is List<object?> { Count: > 0 } list ? list[0] : null;

    private static string? Text(object? value) => value is string { Length: > 0 } text ? text : null;

    private static ulong Unsigned(Dictionary<string, object?> metadata, string key) => metadata.GetValueOrDefault(key) switch
    {
        ulong value => value,
        null => throw new MaxMindDatabaseException($"its metadata has no {key}."),
        var other => throw new MaxMindDatabaseException($"its metadata's {key} is a {other.GetType().Name}, not an unsigned integer."),
    };

    /// <summary>
    /// Decodes values of the data section (and the metadata, which uses the same encoding). Each value starts with a
    /// control byte: its top three bits are the type (0: extended, the next byte + 7), the low five the size (29, 30,
    /// 31: the size continues in 1, 2 or 3 more bytes). Pointers (type 1) refer to a value elsewhere, relative to the
    /// section's start. Unsigned integers come back as ulong, so callers need not care about the stored width.
    /// </summary>
    private readonly struct Decoder(byte[] file, int sectionStart, int sectionEnd)
    {
        public object? Decode(int offset, int depth) => Decode(ref offset, depth);

        private object? Decode(ref int offset, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new MaxMindDatabaseException("a value nests too deeply (a pointer loop?).");
            }

            var control = Byte(ref offset);
            var type = control >> 5;
            if (type == 1)
            {
                var target = sectionStart + Pointer(control, ref offset);
                return Decode(target, depth + 1); // the value after a pointer is read from where it points, then we carry on here
            }

            if (type == 0)
            {
                type = Byte(ref offset) + 7;
            }

            var size = control & 0x1F;
            size = size switch
            {
                29 => 29 + Byte(ref offset),
                30 => 285 + (Byte(ref offset) << 8 | Byte(ref offset)),
                31 => 65_821 + (Byte(ref offset) << 16 | Byte(ref offset) << 8 | Byte(ref offset)),
                _ => size,
            };

            switch (type)
            {
                case 2: // UTF-8 string
                    var text = Encoding.UTF8.GetString(Take(ref offset, size));
                    return text;
                case 3: // double
                    return size == 8 ? BinaryPrimitives.ReadDoubleBigEndian(Take(ref offset, 8)) : throw Bad("a double is not 8 bytes");
                case 4: // bytes
                    return Take(ref offset, size).ToArray();
                case 5 or 6 or 9: // uint16, uint32, uint64
                    return Unsigned(Take(ref offset, size), type == 5 ? 2 : type == 6 ? 4 : 8);
                case 10: // uint128: not needed by any field read here, only skipped over
                    Take(ref offset, size <= 16 ? size : throw Bad("a uint128 is longer than 16 bytes"));
                    return null;
                case 7: // map
                    // Capacity from the file only up to a point: a corrupt size must not allocate gigabytes before failing.
                    var map = new Dictionary<string, object?>(Math.Min(size, 64), StringComparer.Ordinal);
                    for (var i = 0; i < size; i++)
                    {
                        var key = Decode(ref offset, depth + 1) as string ?? throw Bad("a map key is not a string");
                        map[key] = Decode(ref offset, depth + 1);
                    }

                    return map;
                case 8: // int32
                    return size <= 4 ? (int)Unsigned(Take(ref offset, size), 4) : throw Bad("an int32 is longer than 4 bytes");
                case 11: // array
                    var list = new List<object?>(Math.Min(size, 64));
                    for (var i = 0; i < size; i++)
                    {
                        list.Add(Decode(ref offset, depth + 1));
                    }

                    return list;
                case 14: // boolean: the size is the value
                    return size switch { 0 => false, 1 => true, _ => throw Bad("a boolean is neither 0 nor 1") };
                case 15: // float
                    return size == 4 ? BinaryPrimitives.ReadSingleBigEndian(Take(ref offset, 4)) : throw Bad("a float is not 4 bytes");
                default: // 12 (data cache container) and 13 (end marker) never appear in a record
                    throw Bad($"type {type} cannot appear in a record");
            }
        }

        private int Pointer(int control, ref int offset)
        {
            var high = control & 0x07;
            var value = ((control >> 3) & 0x03) switch
            {
                0 => high << 8 | Byte(ref offset),
                1 => (high << 16 | Byte(ref offset) << 8 | Byte(ref offset)) + 2048,
                2 => (high << 24 | Byte(ref offset) << 16 | Byte(ref offset) << 8 | Byte(ref offset)) + 526_336,
                _ => checked((int)BinaryPrimitives.ReadUInt32BigEndian(Take(ref offset, 4))),
            };
            return value;
        }

        private static ulong Unsigned(ReadOnlySpan<byte> bytes, int maxSize)
        {
            if (bytes.Length > maxSize)
            {
                throw Bad($"an integer is longer than {maxSize} bytes");
            }

            ulong value = 0;
            foreach (var b in bytes)
            {
                value = value << 8 | b;
            }

            return value;
        }

        private int Byte(ref int offset)
        {
            if (offset < 0 || offset >= sectionEnd)
            {
                throw Bad("a value runs past the end of its section");
            }

            return file[offset++];
        }

        private ReadOnlySpan<byte> Take(ref int offset, int size)
        {
            if (offset < 0 || size < 0 || offset + size > sectionEnd)
            {
                throw Bad("a value runs past the end of its section");
            }

            var span = file.AsSpan(offset, size);
            offset += size;
            return span;
        }

        private static MaxMindDatabaseException Bad(string what) => new($"{what}; the file is corrupt.");
    }
}
