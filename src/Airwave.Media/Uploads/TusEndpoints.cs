using Airwave.Media.Contracts;
using Airwave.Media.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Media.Uploads;

/// <summary>
/// The tus endpoints for an upload at <c>/api/v1/uploads/{uploadId}</c>: OPTIONS (discovery), HEAD (offset),
/// PATCH (append), DELETE (termination). Creation happens where the owner is known (for episodes:
/// <c>POST /api/v1/podcasts/{podcastId}/episodes/upload</c>). Only the user who started an upload may touch it;
/// anyone else gets 404, as if it did not exist.
/// </summary>
internal static class TusEndpoints
{
    public const string BasePath = "/api/v1/uploads";

    public static void Map(IEndpointRouteBuilder app)
    {
        var uploads = app.MapGroup(BasePath).WithTags("Uploads");
        uploads.MapMethods("", ["OPTIONS"], Options).AllowAnonymous().ExcludeFromDescription();
        uploads.MapMethods("/{uploadId:guid}", ["OPTIONS"], Options).AllowAnonymous().ExcludeFromDescription();
        uploads.MapMethods("/{uploadId:guid}", ["HEAD"], HeadAsync).RequireAuthorization(Policies.Write)
            .WithName("GetUploadOffset").WithSummary("tus: how many bytes of the upload the server has");
        uploads.MapPatch("/{uploadId:guid}", PatchAsync).RequireAuthorization(Policies.Write)
            .WithName("AppendToUpload").WithSummary("tus: append a chunk at Upload-Offset");
        uploads.MapDelete("/{uploadId:guid}", DeleteAsync).RequireAuthorization(Policies.Write)
            .WithName("TerminateUpload").WithSummary("tus: abandon an upload and delete what was sent");
    }

    /// <summary>Headers every tus response carries.</summary>
    public static void AddTusHeaders(HttpResponse response)
    {
        response.Headers[TusProtocol.Resumable] = TusProtocol.Version;
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>Null when the request speaks tus 1.0.0; otherwise the 412 to answer.</summary>
    public static ProblemHttpResult? RequireTus(HttpContext http)
    {
        if (http.Request.Headers[TusProtocol.Resumable] == TusProtocol.Version)
        {
            return null;
        }

        http.Response.Headers["Tus-Version"] = TusProtocol.Version;
        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Unsupported tus version",
            detail: $"Send Tus-Resumable: {TusProtocol.Version}.");
    }

    private static NoContent Options(HttpContext http, IOptions<MediaOptions> options)
    {
        AddTusHeaders(http.Response);
        http.Response.Headers["Tus-Version"] = TusProtocol.Version;
        http.Response.Headers["Tus-Extension"] = TusProtocol.Extensions;
        http.Response.Headers["Tus-Max-Size"] = options.Value.MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["Tus-Checksum-Algorithm"] = TusProtocol.ChecksumAlgorithms;
        return TypedResults.NoContent();
    }

    private static async Task<IResult> HeadAsync(Guid uploadId, HttpContext http, UploadService service, CancellationToken cancellationToken)
    {
        var (upload, refused) = await LoadAsync(uploadId, http, service, cancellationToken);
        if (upload is null)
        {
            // HEAD answers carry no body, so a plain 404 (or 412) says it all.
            return refused is ProblemHttpResult { StatusCode: 412 } ? refused : TypedResults.NotFound();
        }

        WriteState(http.Response, upload);
        return TypedResults.Ok();
    }

    private static async Task<IResult> PatchAsync(Guid uploadId, HttpContext http, UploadService service, CancellationToken cancellationToken)
    {
        var (upload, refused) = await LoadAsync(uploadId, http, service, cancellationToken);
        return upload is null ? refused! : await AppendAsync(http, service, upload, cancellationToken);
    }

    /// <summary>
    /// What every request on an existing upload starts with: the tus headers, the version check, and the upload
    /// itself, which only the user who started it may see.
    /// </summary>
    private static async Task<(UploadRow? Upload, IResult? Refused)> LoadAsync(Guid uploadId, HttpContext http, UploadService service,
        CancellationToken cancellationToken)
    {
        AddTusHeaders(http.Response);
        if (RequireTus(http) is { } refused)
        {
            return (null, refused);
        }

        var upload = await service.FindOwnedAsync(uploadId, http.User.UserId(), cancellationToken);
        return upload is null ? (null, Problems.NotFound("The upload")) : (upload, null);
    }

    /// <summary>The PATCH rules, shared with creation-with-upload.</summary>
    public static async Task<IResult> AppendAsync(HttpContext http, UploadService service, UploadRow upload, CancellationToken cancellationToken)
    {
        if (http.Request.ContentType?.Split(';')[0].Trim() != TusProtocol.OffsetContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type",
                detail: $"Send chunks with Content-Type: {TusProtocol.OffsetContentType}.");
        }

        if (upload.CompletedAt is not null)
        {
            return Problems.Conflict("This upload is complete; start a new one to send another file.");
        }

        if (upload.ExpiresAt <= http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Upload expired",
                detail: "This upload expired before it was finished; start a new one.");
        }

        if (upload.DirectUploadId is not null)
        {
            return Problems.Conflict("This upload goes straight to storage: PUT its parts to their URLs, then POST …/complete.");
        }

        if (TusProtocol.ParseLength(http.Request.Headers[TusProtocol.UploadOffset]) is not { } offset)
        {
            return Problems.Validation("Upload-Offset", "is required: the byte offset this chunk starts at");
        }

        (string Algorithm, byte[] Digest)? checksum = null;
        if (http.Request.Headers.TryGetValue(TusProtocol.UploadChecksum, out var checksumHeader))
        {
            checksum = TusProtocol.ParseChecksum(checksumHeader);
            if (checksum is null || checksum.Value.Algorithm != TusProtocol.ChecksumAlgorithms)
            {
                return Problems.Validation("Upload-Checksum", "must be 'sha1 <base64 digest>'; sha1 is the algorithm supported");
            }
        }

        var result = await service.AppendAsync(upload, offset, checksum, http, cancellationToken);
        http.Response.Headers[TusProtocol.UploadOffset] = result.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers[TusProtocol.UploadExpires] = TusProtocol.FormatExpires(upload.ExpiresAt);
        return result.FailureStatus is { } status
            ? TypedResults.Problem(statusCode: status, title: status == TusProtocol.ChecksumMismatch ? "Checksum Mismatch" : null, detail: result.Reason)
            : TypedResults.NoContent();
    }

    private static async Task<IResult> DeleteAsync(Guid uploadId, HttpContext http, UploadService service, CancellationToken cancellationToken)
    {
        var (upload, refused) = await LoadAsync(uploadId, http, service, cancellationToken);
        if (upload is null)
        {
            return refused!;
        }

        if (upload.CompletedAt is not null)
        {
            return Problems.Conflict("This upload is complete and being processed; it can no longer be terminated.");
        }

        await service.TerminateAsync(upload, cancellationToken);
        return TypedResults.NoContent();
    }

    private static void WriteState(HttpResponse response, UploadRow upload)
    {
        response.Headers[TusProtocol.UploadOffset] = upload.UploadOffset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[TusProtocol.UploadLength] = upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[TusProtocol.UploadExpires] = TusProtocol.FormatExpires(upload.ExpiresAt);
        var metadata = UploadMetadata.FromJson(upload.Metadata).Tus;
        if (metadata.Count > 0)
        {
            response.Headers[TusProtocol.UploadMetadata] = TusMetadata.Format(metadata);
        }
    }
}
