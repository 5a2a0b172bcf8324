using Airwave.Core.Storage;
using Microsoft.Net.Http.Headers;

namespace Airwave.Media.Features;

/// <summary>
/// The media origin: <c>/media/covers/{set}/{size}.jpg</c> (cover renders) and <c>/media/{sha256}.{ext}</c>
/// (processed audio and waveforms). Keys are content-addressed, so answers are cacheable forever (immutable) with a
/// strong ETag. From local disk the file is sent by the OS (sendfile) with single ranges, If-Range and conditional
/// requests honoured; from S3-compatible storage it is streamed through (redirects to signed storage URLs, signed
/// origin URLs and the delivery log come with the delivery feature).
/// </summary>
internal static class MediaFiles
{
    public const string BasePath = "/media";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods(BasePath + "/covers/{set}/{file}", ["GET", "HEAD"], ServeCoverAsync)
            .AllowAnonymous()
            .WithTags("Media")
            .WithName("GetCoverImage")
            .WithSummary("A cover render (JPEG), cacheable forever");
        app.MapMethods(BasePath + "/{file}", ["GET", "HEAD"], ServeMediaAsync)
            .AllowAnonymous()
            .WithTags("Media")
            .WithName("GetMediaFile")
            .WithSummary("A processed media file (MP3, AAC, waveform) by content hash, cacheable forever");
    }

    private static Task<IResult> ServeCoverAsync(string set, string file, HttpResponse response, IBlobStore blobs,
        CancellationToken cancellationToken) =>
        IsHash(set) && file is "3000.jpg" or "1400.jpg" or "600.jpg" or "300.jpg"
            ? ServeAsync($"covers/{set}/{file}", "image/jpeg", $"{set[..16]}-{file}", response, blobs, cancellationToken)
            : Task.FromResult<IResult>(Problems.NotFound("The file"));

    private static Task<IResult> ServeMediaAsync(string file, HttpResponse response, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        var contentType = dot == 64 && IsHash(file[..64]) ? file[65..] switch
        {
            "mp3" => "audio/mpeg",
            "m4a" => "audio/mp4",
            "peaks.json" => "application/json",
            _ => null,
        } : null;
        return contentType is null
            ? Task.FromResult<IResult>(Problems.NotFound("The file"))
            : ServeAsync($"media/{file}", contentType, file[..64], response, blobs, cancellationToken);
    }

    private static async Task<IResult> ServeAsync(string key, string contentType, string etag, HttpResponse response, IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        var tag = new EntityTagHeaderValue($"\"{etag}\"");
        if (blobs.LocalPath(key) is { } path)
        {
            response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return TypedResults.PhysicalFile(path, contentType, entityTag: tag, enableRangeProcessing: true);
        }

        if (await blobs.LengthAsync(key, cancellationToken) is not { } length)
        {
            return Problems.NotFound("The file");
        }

        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        response.ContentLength = length;
        return TypedResults.Stream(await blobs.OpenReadAsync(key, cancellationToken), contentType, entityTag: tag);
    }

    private static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
