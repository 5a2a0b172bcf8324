using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Airwave.Analytics.Counting;

/// <summary>
/// A fast, non-cryptographic 128-bit hash for in-memory keys (request ids, user agents, table lookups). It is never
/// stored and never used where an attacker could gain from a collision: listener identities use HMAC-SHA256
/// (<see cref="ListenerKeys"/>). Two independent 64-bit lanes make accidental collisions as unlikely as a random
/// 128-bit value's.
/// </summary>
internal static class FastHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;

    /// <summary>Round keys of <see cref="Hash64Aes"/>: digits of pi, nothing up the sleeve.</summary>
    private static readonly Vector128<byte> AesKey0 = Vector128.Create(0x243F6A8885A308D3UL, 0x13198A2E03707344UL).AsByte();

    private static readonly Vector128<byte> AesKey1 = Vector128.Create(0xA4093822299F31D0UL, 0x082EFA98EC4E6C89UL).AsByte();

    public static UInt128 Hash128(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        var a = seed ^ Prime1;
        var b = ~seed ^ Prime2;
        var rest = data;
        while (rest.Length >= 8)
        {
            var k = BinaryPrimitives.ReadUInt64LittleEndian(rest);
            a = BitOperations.RotateLeft(a ^ (k * Prime2), 31) * Prime1;
            b = BitOperations.RotateLeft(b + (k * Prime3), 27) * Prime4;
            rest = rest[8..];
        }

        if (rest.Length > 0)
        {
            ulong k = 0;
            for (var i = 0; i < rest.Length; i++)
            {
                k |= (ulong)rest[i] << (8 * i);
            }

            a = BitOperations.RotateLeft(a ^ (k * Prime2), 31) * Prime1;
            b = BitOperations.RotateLeft(b + (k * Prime3), 27) * Prime4;
        }

        a ^= (ulong)data.Length;
        b ^= (ulong)data.Length * Prime3;
        var high = Mix(a + BitOperations.RotateLeft(b, 17));
        var low = Mix(b ^ BitOperations.RotateLeft(a, 41));
        return new UInt128(high, low);
    }

    /// <summary>
    /// 64 bits for hash-table lookups (user agents, URLs; the tables compare the keys' bytes, so a collision costs a
    /// comparison, never a wrong answer). With AES instructions (x86-64), 16 bytes per AES round in two lanes: about
    /// twice as fast as <see cref="Hash64Portable"/> on the log's user agents and URLs, which the counting hashes for
    /// every line. The two give different values; a process uses one of them throughout.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash64(ReadOnlySpan<byte> data) => Aes.IsSupported ? Hash64Aes(data) : Hash64Portable(data);

    /// <summary>
    /// Lane a takes the even 16-byte blocks and lane b the odd ones, so their rounds overlap; the last 1 to 31 bytes are
    /// read as the end of the data's last 16 bytes (or, under 16 bytes, as two overlapping words). The length enters
    /// first; three rounds at the end mix both lanes into every output bit.
    /// </summary>
    internal static ulong Hash64Aes(ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var a = AesKey0 ^ Vector128.CreateScalar((ulong)length).AsByte();
        var b = AesKey1;
        if (length >= 16)
        {
            var at = 0;
            for (; at + 32 <= length; at += 32)
            {
                a = Aes.Encrypt(a ^ Vector128.LoadUnsafe(ref start, (nuint)at), AesKey0);
                b = Aes.Encrypt(b ^ Vector128.LoadUnsafe(ref start, (nuint)at + 16), AesKey1);
            }

            if (at + 16 <= length)
            {
                a = Aes.Encrypt(a ^ Vector128.LoadUnsafe(ref start, (nuint)at), AesKey0);
                at += 16;
            }

            if (at < length)
            {
                b = Aes.Encrypt(b ^ Vector128.LoadUnsafe(ref start, (nuint)(length - 16)), AesKey1);
            }
        }
        else
        {
            ulong low, high;
            if (length >= 8)
            {
                (low, high) = (Unsafe.ReadUnaligned<ulong>(ref start), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8)));
            }
            else if (length >= 4)
            {
                (low, high) = (Unsafe.ReadUnaligned<uint>(ref start), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4)));
            }
            else
            {
                low = length == 0 ? 0 : start | ((ulong)Unsafe.Add(ref start, length / 2) << 8) | ((ulong)Unsafe.Add(ref start, length - 1) << 16);
                high = 0;
            }

            a = Aes.Encrypt(a ^ Vector128.Create(low, high).AsByte(), AesKey0);
        }

        var mixed = Aes.Encrypt(Aes.Encrypt(Aes.Encrypt(a, b), AesKey0), AesKey1);
        return mixed.AsUInt64().ToScalar();
    }

    /// <summary>
    /// <see cref="Hash64"/> without AES instructions. Two lanes take alternate 8-byte words, so their multiplications
    /// overlap instead of waiting on each other; the last 1 to 7 bytes are read as the end of the data's last eight bytes.
    /// </summary>
    internal static ulong Hash64Portable(ReadOnlySpan<byte> data)
    {
        var a = Prime1;
        var b = Prime4;
        var rest = data;
        while (rest.Length >= 16)
        {
            a = Round(a, BinaryPrimitives.ReadUInt64LittleEndian(rest));
            b = Round(b, BinaryPrimitives.ReadUInt64LittleEndian(rest[8..]));
            rest = rest[16..];
        }

        if (rest.Length >= 8)
        {
            a = Round(a, BinaryPrimitives.ReadUInt64LittleEndian(rest));
            rest = rest[8..];
        }

        if (rest.Length > 0)
        {
            ulong k = 0;
            if (data.Length >= 8)
            {
                k = BinaryPrimitives.ReadUInt64LittleEndian(data[^8..]) >> (8 * (8 - rest.Length));
            }
            else
            {
                for (var i = 0; i < rest.Length; i++)
                {
                    k |= (ulong)rest[i] << (8 * i);
                }
            }

            b = Round(b, k);
        }

        return Mix(a ^ BitOperations.RotateLeft(b, 29) ^ ((ulong)data.Length * Prime3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong lane, ulong word) => BitOperations.RotateLeft(lane ^ (word * Prime2), 31) * Prime1;

    /// <summary>Combines fixed-size values (four 64-bit words) under a 128-bit key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Combine(UInt128 key, ulong w0, ulong w1, ulong w2, ulong w3)
    {
        var a = (ulong)(key >> 64) ^ Prime1;
        var b = (ulong)key ^ Prime2;
        a = BitOperations.RotateLeft(a ^ (w0 * Prime2), 31) * Prime1;
        b = BitOperations.RotateLeft(b + (w0 * Prime3), 27) * Prime4;
        a = BitOperations.RotateLeft(a ^ (w1 * Prime2), 31) * Prime1;
        b = BitOperations.RotateLeft(b + (w1 * Prime3), 27) * Prime4;
        a = BitOperations.RotateLeft(a ^ (w2 * Prime2), 31) * Prime1;
        b = BitOperations.RotateLeft(b + (w2 * Prime3), 27) * Prime4;
        a = BitOperations.RotateLeft(a ^ (w3 * Prime2), 31) * Prime1;
        b = BitOperations.RotateLeft(b + (w3 * Prime3), 27) * Prime4;
        return new UInt128(Mix(a + BitOperations.RotateLeft(b, 17)), Mix(b ^ BitOperations.RotateLeft(a, 41)));
    }

    /// <summary>The MurmurHash3 finaliser: every input bit affects every output bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }
}
