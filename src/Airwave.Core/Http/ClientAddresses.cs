using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Airwave.Core.Http;

/// <summary>
/// The addresses of the proxies (load balancers, CDN edges, nginx) allowed to tell Airwave who the client is, parsed
/// from <see cref="ServerOptions.TrustedProxies"/>: single addresses and CIDR ranges, IPv4 and IPv6.
/// </summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    private TrustedProxies(IPNetwork[] networks) => _networks = networks;

    public static TrustedProxies None { get; } = new([]);

    public int Count => _networks.Length;

    /// <summary>
    /// Parses a list separated by commas, semicolons or white space (<c>"10.0.0.0/8, 127.0.0.1, ::1, fd00::/8"</c>).
    /// <paramref name="problems"/> names every entry that is not an address or a range, with the reason.
    /// </summary>
    public static TrustedProxies Parse(string? list, out IReadOnlyList<string> problems)
    {
        var networks = new List<IPNetwork>();
        var errors = new List<string>();
        foreach (var entry in (list ?? "").Split([',', ';', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (!IPNetwork.TryParse(entry, out var network))
                {
                    errors.Add($"'{entry}' is not a CIDR range (an address, '/', a prefix length, e.g. 10.0.0.0/8)");
                }
                else if (!IPAddress.TryParse(entry.AsSpan(0, entry.IndexOf('/', StringComparison.Ordinal)), out var written)
                    || !written.Equals(network.BaseAddress))
                {
                    // Parsing would quietly clear the bits; whoever wrote 10.0.0.1/8 may have meant 10.0.0.1/32.
                    errors.Add($"'{entry}' is not a CIDR range: it has bits set after the prefix (write {network} for the range)");
                }
                else
                {
                    networks.Add(Normalize(network));
                }
            }
            else if (IPAddress.TryParse(entry, out var address) && !entry.Contains('%', StringComparison.Ordinal))
            {
                address = Canonical(address);
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                errors.Add($"'{entry}' is not an IPv4 or IPv6 address");
            }
        }

        problems = errors;
        return new TrustedProxies([.. networks]);
    }

    public bool Contains(IPAddress address)
    {
        address = Canonical(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The client's address: the peer of the connection, unless the peer is a trusted proxy, in which case
    /// X-Forwarded-For is walked from right to left (each proxy appends the address it saw) past every trusted hop;
    /// the first address that is not trusted is the client. A header from a peer that is not trusted is ignored
    /// entirely, since anyone can send one. If every hop is trusted, the leftmost is the client; an entry that is not
    /// an address stops the walk at the last good hop, because whatever a hop wrote beyond it cannot be vouched for.
    /// </summary>
    public IPAddress? Resolve(IPAddress? peer, StringValues forwardedFor)
    {
        if (peer is null)
        {
            return null;
        }

        var client = Canonical(peer);
        if (_networks.Length == 0 || forwardedFor.Count == 0 || !Contains(client))
        {
            return client;
        }

        // Several X-Forwarded-For headers are one list, in order.
        for (var h = forwardedFor.Count - 1; h >= 0; h--)
        {
            var header = forwardedFor[h].AsSpan();
            var end = header.Length;
            while (end > 0)
            {
                var comma = header[..end].LastIndexOf(',');
                var entry = header[(comma + 1)..end].Trim();
                end = comma < 0 ? 0 : comma;
                if (entry.IsEmpty)
                {
                    continue;
                }

                if (ParseHop(entry) is not { } hop)
                {
                    return client;
                }

                client = hop;
                if (!Contains(client))
                {
                    return client;
                }
            }
        }

        return client;
    }

    /// <summary>IPv4 addresses as IPv4 even when a dual-stack socket reports them IPv6-mapped (::ffff:1.2.3.4).</summary>
    public static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPNetwork Normalize(IPNetwork network) =>
        network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;

    /// <summary>One X-Forwarded-For entry: an address, optionally with a port ("1.2.3.4:80", "[2001:db8::1]:443").</summary>
    private static IPAddress? ParseHop(ReadOnlySpan<char> entry)
    {
        if (entry.Length > 0 && entry[0] == '"' && entry[^1] == '"' && entry.Length >= 2)
        {
            entry = entry[1..^1];
        }

        if (entry.Length > 0 && entry[0] == '[')
        {
            var close = entry.IndexOf(']');
            if (close < 0 || (close + 1 < entry.Length && entry[close + 1] != ':'))
            {
                return null;
            }

            entry = entry[1..close];
        }
        else if (entry.Count(':') == 1)
        {
            entry = entry[..entry.IndexOf(':')];
        }

        return !entry.Contains('%') && IPAddress.TryParse(entry, out var address) ? Canonical(address) : null;
    }
}

/// <summary>
/// Who is on the other end of a request, as far as the configured trusted proxies let Airwave know. Everything that
/// keys on the client (rate limits, the delivery log) asks here, so X-Forwarded-For is honoured the same way
/// everywhere: only from trusted proxies.
/// </summary>
public sealed class ClientAddresses(IOptions<ServerOptions> options)
{
    private readonly TrustedProxies _proxies = TrustedProxies.Parse(options.Value.TrustedProxies, out _);

    /// <summary>The client's address; null when the server has none (an in-process test host).</summary>
    public IPAddress? Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _proxies.Resolve(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"]);
    }

    /// <summary>True when the connection comes straight from a trusted proxy, whose other headers may then be believed.</summary>
    public bool IsFromTrustedProxy(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress is { } peer && _proxies.Contains(peer);
    }
}
