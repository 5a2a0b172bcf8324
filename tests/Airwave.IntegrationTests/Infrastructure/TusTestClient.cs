// tus's checksum extension names SHA-1: it guards against corruption in transit, not against an attacker.
#pragma warning disable CA5350

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>
/// Speaks tus 1.0.0 at the wire level, so tests can send exactly the requests a client would (and the wrong ones).
/// The JavaScript reference client (tus-js-client) is exercised separately.
/// </summary>
public sealed class TusTestClient(HttpClient http)
{
    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(p => $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));

    public async Task<HttpResponseMessage> CreateAsync(string podcastId, long length, string? metadata = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/podcasts/{podcastId}/episodes/upload");
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }

        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PatchAsync(Uri upload, long offset, ReadOnlyMemory<byte> chunk, bool withChecksum = true, string? checksum = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = new ReadOnlyMemoryContent(chunk) };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        request.Content.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (withChecksum)
        {
            request.Headers.Add("Upload-Checksum", checksum ?? "sha1 " + Convert.ToBase64String(SHA1.HashData(chunk.Span)));
        }

        return await http.SendAsync(request);
    }

    public async Task<long?> OffsetAsync(Uri upload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, upload);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        using var response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK
            ? long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>Creates an upload for a new episode and sends the whole file in chunks; returns the episode id.</summary>
    public async Task<string> UploadAsync(string podcastId, string path, int chunkSize = 1024 * 1024)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        using var created = await CreateAsync(podcastId, bytes.Length, Metadata(("filename", Path.GetFileName(path))));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var location = created.Headers.Location!;
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset));
            using var patched = await PatchAsync(location, offset, chunk);
            patched.StatusCode.ShouldBe(HttpStatusCode.NoContent, await patched.Content.ReadAsStringAsync());
        }

        if (bytes.Length == 0)
        {
            created.Headers.GetValues("Upload-Offset").Single().ShouldBe("0");
        }

        return created.Headers.GetValues("Airwave-Episode-Id").Single();
    }
}
