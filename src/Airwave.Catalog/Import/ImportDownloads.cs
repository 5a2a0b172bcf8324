using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Import;

/// <summary>Import settings; bound from the <c>Import</c> configuration section.</summary>
internal sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>
    /// Allow feeds, audio and artwork on loopback and private networks. Off by default: an import URL is chosen by a
    /// creator, and must not let them reach services inside the operator's network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Largest feed document read.</summary>
    public long MaxFeedBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Largest artwork file read.</summary>
    public long MaxImageBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>How long one download may go without receiving a byte.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    internal IEnumerable<string> Validate()
    {
        if (MaxFeedBytes < 1024 || MaxImageBytes < 1024)
        {
            yield return "Import:MaxFeedBytes and Import:MaxImageBytes must be at least 1024 bytes.";
        }

        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromHours(1))
        {
            yield return $"Import:Timeout is {Timeout}; it must be between one second and one hour (write a minute as 00:01:00).";
        }
    }
}

/// <summary>Why a download failed, in words for the creator; <see cref="Permanent"/> when retrying cannot help.</summary>
internal sealed class ImportDownloadException(string message, bool permanent) : Exception(message)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>
/// Fetches what an import needs over HTTP(S): the feed, each episode's audio, artwork. Every connection is checked
/// when it is made (after DNS, after each redirect), so a feed cannot point the server at loopback or private
/// addresses unless <see cref="ImportOptions.AllowPrivateNetworks"/> is on. Sizes are capped while reading, whatever
/// Content-Length claims.
/// </summary>
internal sealed class ImportDownloads(IHttpClientFactory clients, IOptions<ImportOptions> options)
{
    public const string ClientName = "import";

    /// <summary>The handler behind the import HttpClient, with the address check.</summary>
    public static SocketsHttpHandler CreateHandler(IOptions<ImportOptions> options) => new()
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 10,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(a => options.Value.AllowPrivateNetworks || IsPublic(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new ImportDownloadException($"{context.DnsEndPoint.Host} is on a private or local network, which imports may not reach.", true);
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>True for addresses on the public internet (not loopback, private, link-local, CGNAT, multicast, …).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224);
        }

        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
    }

    /// <summary>The whole body of <paramref name="url"/> in memory, at most <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]> GetBytesAsync(string url, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await DownloadAsync(url, buffer, maxBytes, null, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// Streams <paramref name="url"/> into <paramref name="destination"/>, reporting (bytes so far, total if known);
    /// returns the number of bytes written.
    /// </summary>
    public async Task<long> DownloadAsync(string url, Stream destination, long maxBytes, Func<long, long?, Task>? progress,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            var client = clients.CreateClient(ClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw new ImportDownloadException($"{url} answered {status} {response.ReasonPhrase}.",
                    permanent: status is >= 400 and < 500 and not 408 and not 429);
            }

            var total = response.Content.Headers.ContentLength;
            if (total > maxBytes)
            {
                throw new ImportDownloadException($"{url} is {total} bytes; the limit is {maxBytes} bytes.", true);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var chunk = new byte[81920];
            long written = 0;
            while (true)
            {
                timeout.CancelAfter(options.Value.Timeout);
                var read = await body.ReadAsync(chunk, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                written += read;
                if (written > maxBytes)
                {
                    throw new ImportDownloadException($"{url} is larger than the limit of {maxBytes} bytes.", true);
                }

                await destination.WriteAsync(chunk.AsMemory(0, read), timeout.Token);
                if (progress is not null)
                {
                    await progress(written, total);
                }
            }

            if (total is { } expected && written != expected)
            {
                throw new ImportDownloadException($"{url} ended after {written} of {expected} bytes.", false);
            }

            return written;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImportDownloadException($"{url} sent nothing for {options.Value.Timeout.TotalSeconds:0} seconds.", false);
        }
        catch (HttpRequestException e) when (e.InnerException is ImportDownloadException inner)
        {
            throw inner;
        }
        catch (HttpRequestException e)
        {
            throw new ImportDownloadException($"{url} could not be fetched: {e.Message}", false);
        }
    }
}
