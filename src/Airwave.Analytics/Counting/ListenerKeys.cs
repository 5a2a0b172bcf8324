using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Airwave.Analytics.Counting;

/// <summary>How often the key behind listener identities changes (see docs/adr/0011).</summary>
public enum KeyRotation
{
    Day,
    Week,
    Month,
}

/// <summary>
/// Listener identities: HMAC-SHA256 over the listener's address (IPv4, or IPv6 /64) and a digest of the user agent,
/// under a key that rotates every period (a UTC day by default). Each period's key is derived from the configured
/// secret, so the same logs and secret always give the same identities, while identities of different periods cannot
/// be linked without the secret. Raw addresses are never stored: the engine keeps only these values.
/// </summary>
internal sealed class ListenerKeys
{
    private static readonly UInt128 TopBit = UInt128.One << 127;

    private readonly byte[] _secret;
    private readonly Dictionary<int, IncrementalHash> _periodMacs = [];
    private readonly UInt128 _fingerprintKey;

    public ListenerKeys(byte[] secret, KeyRotation rotation)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("The listener secret must be at least 16 bytes.", nameof(secret));
        }

        _secret = secret;
        Rotation = rotation;
        var fingerprint = HMACSHA256.HashData(secret, "airwave/listener-fingerprint/v1"u8);
        _fingerprintKey = BinaryPrimitives.ReadUInt128BigEndian(fingerprint);
    }

    public KeyRotation Rotation { get; }

    /// <summary>A secret for one run when none is configured: nothing is stored, so nothing needs to match later.</summary>
    public static byte[] RandomSecret() => RandomNumberGenerator.GetBytes(32);

    /// <summary>The key period a UTC day (days since 0001-01-01) belongs to.</summary>
    public int PeriodOf(int day) => Rotation switch
    {
        KeyRotation.Day => day,
        // 0001-01-01 was a Monday, so whole weeks since then are ISO weeks (Monday to Sunday).
        KeyRotation.Week => day / 7,
        _ => MonthOf(day),
    };

    /// <summary>The first instant (ticks) after the period.</summary>
    public long PeriodEnd(int period) => Rotation switch
    {
        KeyRotation.Day => (period + 1L) * UtcTime.TicksPerDay,
        KeyRotation.Week => (period + 1L) * 7 * UtcTime.TicksPerDay,
        _ => new DateTime(period / 12 + 1, period % 12 + 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1).Ticks,
    };

    /// <summary>The listener identity for a period: HMAC-SHA256(period key, address ‖ SHA-256(user agent)), first 128 bits.</summary>
    public UInt128 Identity(int period, UInt128 listenerAddress, ReadOnlySpan<byte> userAgentDigest)
    {
        Span<byte> message = stackalloc byte[16 + 32];
        BinaryPrimitives.WriteUInt128BigEndian(message, listenerAddress);
        userAgentDigest[..32].CopyTo(message[16..]);
        Span<byte> mac = stackalloc byte[32];
        // One keyed HMAC object per period, reset after each use: the one-shot API sets up the key (and a native
        // context to finalise) on every call, which costs several times the hashing itself.
        var hmac = PeriodMac(period);
        hmac.AppendData(message);
        hmac.GetHashAndReset(mac);
        return BinaryPrimitives.ReadUInt128BigEndian(mac);
    }

    /// <summary>
    /// The in-memory lookup key of a listener (address and user agent), the same in every period so pending bytes and
    /// windows carry across midnight. Keyed, never written anywhere, and fast: the HMAC is computed only once per
    /// listener and period, when a download is counted. Never zero (its top bit is set): the counting's tables mark
    /// empty slots with zero (<see cref="FingerprintTable{TValue}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt128 Fingerprint(UInt128 listenerAddress, UInt128 userAgentHash) =>
        FastHash.Combine(_fingerprintKey, (ulong)(listenerAddress >> 64), (ulong)listenerAddress, (ulong)(userAgentHash >> 64), (ulong)userAgentHash)
        | TopBit;

    private IncrementalHash PeriodMac(int period)
    {
        if (!_periodMacs.TryGetValue(period, out var mac))
        {
            if (_periodMacs.Count >= 4)
            {
                foreach (var old in _periodMacs.Values)
                {
                    old.Dispose();
                }

                _periodMacs.Clear();
            }

            var key = HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes("airwave/listener/v1/" + PeriodLabel(period)));
            mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            _periodMacs[period] = mac;
        }

        return mac;
    }

    private string PeriodLabel(int period) => Rotation switch
    {
        KeyRotation.Day => new DateTime(period * UtcTime.TicksPerDay, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        KeyRotation.Week => "week-" + new DateTime(period * 7 * UtcTime.TicksPerDay, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => (period / 12 + 1).ToString("D4", CultureInfo.InvariantCulture) + "-" + (period % 12 + 1).ToString("D2", CultureInfo.InvariantCulture),
    };

    private static int MonthOf(int day)
    {
        var date = new DateTime(day * UtcTime.TicksPerDay, DateTimeKind.Utc);
        return (date.Year - 1) * 12 + date.Month - 1;
    }
}
