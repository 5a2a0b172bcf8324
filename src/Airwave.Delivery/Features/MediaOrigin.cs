using Airwave.Core.Storage;
using Airwave.Delivery.Contracts;
using Airwave.Delivery.Log;
using Airwave.Delivery.Signing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Airwave.Delivery.Features;

/// <summary>
/// The media origin: <c>/media/covers/{set}/{size}.jpg</c> (cover renders) and <c>/media/{sha256}.{ext}</c>
/// (processed audio and waveforms). Keys are content-addressed, so answers are cacheable forever (immutable) with a
/// strong ETag, and single ranges, If-Range and conditional requests are honoured: from local disk the file is sent
/// as it is, from S3-compatible storage only the part asked for is fetched and streamed through. With a signing key, media files (not covers, which feeds and
/// pages link to for good) need a valid signature: missing ones when <see cref="DeliveryOptions.RequireSignedUrls"/>,
/// and tampered or expired ones always get 403. Every request is logged (<see cref="DeliveryLogMiddleware"/>).
/// </summary>
internal static class MediaOrigin
{
    public const string BasePath = "/media";
    private const string Immutable = "public, max-age=31536000, immutable";

    public static void Map(IEndpointRouteBuilder app)
    {
        var logged = new DeliveryLogMetadata(DeliveryLogKinds.Origin, null);
        app.MapMethods(BasePath + "/covers/{set}/{file}", ["GET", "HEAD"], ServeCoverAsync)
            .AllowAnonymous()
            .WithMetadata(logged)
            .WithTags("Media")
            .WithName("GetCoverImage")
            .WithSummary("A cover render (JPEG), cacheable forever");
        app.MapMethods(BasePath + "/{file}", ["GET", "HEAD"], ServeMediaAsync)
            .AllowAnonymous()
            .WithMetadata(logged)
            .WithTags("Media")
            .WithName("GetMediaFile")
            .WithSummary("A processed media file (MP3, AAC, waveform) by content hash, cacheable forever; signed URLs when the server requires them")
            .Produces(StatusCodes.Status200OK, contentType: "audio/mpeg", additionalContentTypes: ["audio/mp4", "application/json"])
            .Produces(StatusCodes.Status206PartialContent, contentType: "audio/mpeg", additionalContentTypes: ["audio/mp4", "application/json"])
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
    }

    /// <summary>The origin path of a blob: <c>media/…</c> keys at <c>/media/…</c>, cover renders (<c>covers/…</c>) under <c>/media/covers/…</c>.</summary>
    public static string PathOf(string blobKey) =>
        blobKey.StartsWith("media/", StringComparison.Ordinal) ? "/" + blobKey
        : blobKey.StartsWith("covers/", StringComparison.Ordinal) ? BasePath + "/" + blobKey
        : throw new ArgumentException($"'{blobKey}' is not a key the media origin serves.", nameof(blobKey));

    /// <summary>What a file on the origin is: its rendition name and media type, from the extension after the hash.</summary>
    public static (string Rendition, string ContentType)? Describe(string extension) => extension switch
    {
        "mp3" => ("mp3", "audio/mpeg"),
        "m4a" => ("aac", "audio/mp4"),
        "peaks.json" => ("waveform", "application/json"),
        _ => null,
    };

    private static Task<IResult> ServeCoverAsync(string set, string file, HttpContext http, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (!IsHash(set) || file is not ("3000.jpg" or "1400.jpg" or "600.jpg" or "300.jpg"))
        {
            return Task.FromResult<IResult>(Problems.NotFound("The file"));
        }

        var key = $"covers/{set}/{file}";
        Note(http, key, "cover");
        return ServeAsync(key, "image/jpeg", $"{set[..16]}-{file}", http.Response, blobs, cancellationToken);
    }

    private static async Task<IResult> ServeMediaAsync(string file, HttpContext http, IBlobStore blobs, IOptions<DeliveryOptions> options,
        UrlSigners signers, IWithheldMedia withheld, TimeProvider clock, CancellationToken cancellationToken)
    {
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        if (dot != 64 || !IsHash(file[..64]) || Describe(file[65..]) is not { } described)
        {
            return Problems.NotFound("The file");
        }

        var (rendition, contentType) = described;

        var key = "media/" + file;
        Note(http, key, rendition);
        if (signers.Signer is { } signer && Refusal(signer, options.Value, http, clock) is { } refused)
        {
            http.Response.Headers.CacheControl = "no-store";
            return refused;
        }

        // Checked on every request, not cached: a takedown applies to the next request on every instance. A signed
        // URL handed out before the takedown is refused as well.
        if (await withheld.IsWithheldAsync(key, cancellationToken))
        {
            http.Response.Headers.CacheControl = "no-store";
            return Problems.Gone("This file was taken down and is no longer available.");
        }

        return await ServeAsync(key, contentType, file[..64], http.Response, blobs, cancellationToken);
    }

    /// <summary>Null when the request may have the file; otherwise the 403 saying why not.</summary>
    private static ProblemHttpResult? Refusal(UrlSigner signer, DeliveryOptions options, HttpContext http, TimeProvider clock)
    {
        var query = http.Request.Query;
        var check = signer.Verify(http.Request.Path.Value ?? "", query[UrlSigner.ExpiresParameter], query[UrlSigner.SignatureParameter],
            clock.GetUtcNow());
        return check switch
        {
            SignatureCheck.Valid => null,
            SignatureCheck.Missing when !options.RequireSignedUrls => null,
            SignatureCheck.Missing => Problems.Forbidden(
                "This media URL is not signed. Media is delivered through the episode's audio URL, which redirects to a signed URL."),
            SignatureCheck.Expired => Problems.Forbidden(
                "This media URL's signature has expired. Ask the episode's audio URL again for a fresh one."),
            _ => Problems.Forbidden(
                "This media URL's signature is not valid: 'expires' and 'signature' must be exactly as the audio URL's redirect gave them."),
        };
    }

    private static async Task<IResult> ServeAsync(string key, string contentType, string etag, HttpResponse response, IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        var tag = new EntityTagHeaderValue($"\"{etag}\"");
        if (blobs.LocalPath(key) is { } path)
        {
            if (!File.Exists(path))
            {
                return Problems.NotFound("The file");
            }

            response.Headers.CacheControl = Immutable;
            return TypedResults.PhysicalFile(path, contentType, entityTag: tag, enableRangeProcessing: true);
        }

        if (await blobs.LengthAsync(key, cancellationToken) is not { } length)
        {
            return Problems.NotFound("The file");
        }

        response.Headers.CacheControl = Immutable;
        var blob = new BlobRangeStream(blobs, key, length, BlobRangeStream.RequestedRange(response.HttpContext.Request, length));
        return TypedResults.Stream(blob, contentType, entityTag: tag, enableRangeProcessing: true);
    }

    private static void Note(HttpContext http, string key, string rendition)
    {
        if (http.Features.Get<DeliveryLogFeature>() is { } log)
        {
            log.BlobKey = key;
            log.Rendition = rendition;
        }
    }

    private static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
