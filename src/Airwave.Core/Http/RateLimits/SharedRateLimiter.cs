using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Core.Http.RateLimits;

/// <summary>The answer to one attempt: allowed, or refused until the window ends.</summary>
public readonly record struct SharedRateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Fixed-window counters in the database, so a limit holds across every API instance behind a load balancer (ADR
/// 0021): each attempt is one atomic upsert that adds to the window's counter only while it is under the limit, so the
/// instances together allow exactly the limit per window, never the limit per instance. The client is stored only as an
/// HMAC-SHA256 of the policy's partition (address and endpoint) under a secret kept in <c>rate_limit_keys</c>; a
/// counter row lives one window and is then pruned.
/// </summary>
public sealed class SharedRateLimiter(Database database, TimeProvider clock) : IDisposable
{
    private const string SecretName = "partition";
    private readonly SemaphoreSlim _secretLock = new(1, 1);
    private byte[]? _secret;

    /// <summary>
    /// Counts one attempt against <paramref name="limit"/> per <paramref name="window"/> for <paramref name="partition"/>.
    /// A refused attempt adds nothing: the counter stops at the limit.
    /// </summary>
    public async Task<SharedRateLimitDecision> AcquireAsync(string policy, string partition, int limit, TimeSpan window,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(1));
        var key = await PartitionKeyAsync(policy, partition, cancellationToken);
        var now = clock.GetUtcNow();
        var seconds = (long)window.TotalSeconds;
        var start = now.ToUnixTimeSeconds() / seconds * seconds;
        var end = start + seconds;
        await using var connection = await database.OpenAsync(cancellationToken);
        // RETURNING yields no row when the WHERE of the update refuses it: the window is full.
        var hits = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            INSERT INTO rate_limit_counters (policy, partition_key, window_start, window_end, hits)
            VALUES (@policy, @key, @start, @end, 1)
            ON CONFLICT (policy, partition_key, window_start)
            DO UPDATE SET hits = rate_limit_counters.hits + 1 WHERE rate_limit_counters.hits < @limit
            RETURNING hits
            """, new { policy, key, start, end, limit = (long)limit }, cancellationToken: cancellationToken));
        if (hits is not null)
        {
            return new SharedRateLimitDecision(true, TimeSpan.Zero);
        }

        var left = DateTimeOffset.FromUnixTimeSeconds(end) - now;
        return new SharedRateLimitDecision(false, left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1));
    }

    public void Dispose() => _secretLock.Dispose();

    /// <summary>Deletes the counters of windows that ended before now; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM rate_limit_counters WHERE window_end <= @now",
            new { now = clock.GetUtcNow().ToUnixTimeSeconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The address as a rate limit should see it: an IPv4 address whole, an IPv6 address as its /64 (one subscriber
    /// usually holds a whole /64, and would otherwise get a fresh allowance per address); "unknown" without one.
    /// </summary>
    public static string ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        address = TrustedProxies.Canonical(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>What is stored for a partition: HMAC-SHA256 under the shared secret, first 128 bits, hex.</summary>
    internal async Task<string> PartitionKeyAsync(string policy, string partition, CancellationToken cancellationToken)
    {
        var secret = _secret ?? await LoadSecretAsync(cancellationToken);
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{policy}\n{partition}"));
        return Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }

    /// <summary>
    /// The secret every instance must share so they compute the same key for the same client: made at random by the
    /// first instance that needs it and kept in the database (the first insert wins; everyone reads that one).
    /// </summary>
    private async Task<byte[]> LoadSecretAsync(CancellationToken cancellationToken)
    {
        await _secretLock.WaitAsync(cancellationToken);
        try
        {
            if (_secret is not null)
            {
                return _secret;
            }

            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO rate_limit_keys (name, secret, created_at) VALUES (@SecretName, @secret, @now) ON CONFLICT (name) DO NOTHING",
                new { SecretName, secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), now = clock.GetUtcNow() },
                cancellationToken: cancellationToken));
            var stored = await connection.QuerySingleAsync<string>(new CommandDefinition(
                "SELECT secret FROM rate_limit_keys WHERE name = @SecretName", new { SecretName }, cancellationToken: cancellationToken));
            _secret = Convert.FromBase64String(stored);
            return _secret;
        }
        finally
        {
            _secretLock.Release();
        }
    }
}
