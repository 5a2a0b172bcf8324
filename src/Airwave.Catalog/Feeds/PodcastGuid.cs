using System.Security.Cryptography;
using System.Text;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// podcast:guid as the Podcasting 2.0 namespace defines it: a UUIDv5 (RFC 4122, SHA-1) of the feed URL without its
/// scheme and trailing slashes, in the namespace ead4c236-bf58-58c6-a2c6-a6b28d128cb6. Apps and indexes identify a
/// show by it across moves.
/// </summary>
internal static class PodcastGuid
{
    private static readonly byte[] Namespace = Convert.FromHexString("ead4c236bf5858c6a2c6a6b28d128cb6");

    public static Guid ForFeedUrl(string feedUrl)
    {
        var name = feedUrl.Trim();
        var scheme = name.IndexOf("://", StringComparison.Ordinal);
        name = (scheme >= 0 ? name[(scheme + 3)..] : name).TrimEnd('/');
        // RFC 4122 defines version 5 with SHA-1; it names things, it protects nothing.
#pragma warning disable CA5350
        var hash = SHA1.HashData([.. Namespace, .. Encoding.UTF8.GetBytes(name)]);
#pragma warning restore CA5350
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
