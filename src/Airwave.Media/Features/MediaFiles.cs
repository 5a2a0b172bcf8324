using Airwave.Core.Storage;
using Microsoft.Net.Http.Headers;

namespace Airwave.Media.Features;

/// <summary>
/// <c>GET /media/covers/…</c>: serves cover renders. Their keys are content-addressed, so responses are cacheable
/// forever (immutable) with a strong ETag; from local disk, ranges and conditional requests are honoured. Episode audio
/// delivery (signed URLs, the delivery log) is a separate feature of its own.
/// </summary>
internal static class MediaFiles
{
    public const string BasePath = "/media";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapMethods(BasePath + "/covers/{set}/{file}", ["GET", "HEAD"], ServeCoverAsync)
            .AllowAnonymous()
            .WithTags("Media")
            .WithName("GetCoverImage")
            .WithSummary("A cover render (JPEG), cacheable forever");

    private static async Task<IResult> ServeCoverAsync(string set, string file, HttpResponse response, IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        if (set.Length != 64 || !set.All(char.IsAsciiHexDigitLower) || file is not ("3000.jpg" or "1400.jpg" or "600.jpg" or "300.jpg"))
        {
            return Problems.NotFound("The picture");
        }

        var key = $"covers/{set}/{file}";
        var tag = new EntityTagHeaderValue($"\"{set[..16]}-{file}\"");
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        if (blobs.LocalPath(key) is { } path)
        {
            return TypedResults.PhysicalFile(path, "image/jpeg", entityTag: tag, enableRangeProcessing: true);
        }

        if (await blobs.LengthAsync(key, cancellationToken) is null)
        {
            return Problems.NotFound("The picture");
        }

        return TypedResults.Stream(await blobs.OpenReadAsync(key, cancellationToken), "image/jpeg", entityTag: tag, enableRangeProcessing: true);
    }
}
