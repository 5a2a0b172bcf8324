using Airwave.Core.Storage;

namespace Airwave.Media.Uploads;

/// <summary>
/// <c>POST /api/v1/uploads/{uploadId}/complete</c>: finishes a direct-to-storage upload once the client has PUT
/// every part to its pre-signed URL. Body: <c>{"parts": [{"part_number": 1, "etag": "\"…\""}, …]}</c>.
/// </summary>
internal static class DirectUploadEndpoints
{
    internal sealed record Part(int? PartNumber, string? Etag);

    internal sealed record Request(Part[]? Parts);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(TusEndpoints.BasePath + "/{uploadId:guid}/complete", CompleteAsync)
            .RequireAuthorization(Policies.Write)
            .WithTags("Uploads")
            .WithName("CompleteDirectUpload")
            .WithSummary("Finish a direct-to-storage upload: the ETag of every part");

    private static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> CompleteAsync(Guid uploadId, Request request,
        ClaimsPrincipal user, UploadService uploads, CancellationToken cancellationToken)
    {
        var upload = await uploads.FindOwnedAsync(uploadId, user.UserId(), cancellationToken);
        if (upload is null)
        {
            return Problems.NotFound("The upload");
        }

        if (upload.DirectUploadId is null)
        {
            return Problems.Conflict("This is a tus upload; send its bytes with PATCH. Only direct uploads are completed this way.");
        }

        if (upload.CompletedAt is not null)
        {
            return Problems.Conflict("This upload is complete already.");
        }

        var parts = request.Parts ?? [];
        var errors = new FieldErrors()
            .AddIf(parts.Length == 0, "parts", "must list every uploaded part with its ETag")
            .AddIf(parts.Any(p => p.PartNumber is null or < 1 || string.IsNullOrWhiteSpace(p.Etag)), "parts", "each needs part_number (1 or more) and etag")
            .AddIf(parts.Select(p => p.PartNumber).Distinct().Count() != parts.Length, "parts", "lists a part_number twice");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var problem = await uploads.CompleteDirectAsync(upload, [.. parts.Select(p => new UploadedPart(p.PartNumber!.Value, p.Etag!))],
            cancellationToken);
        return problem is null ? TypedResults.Accepted((string?)null) : Problems.Validation("parts", problem);
    }
}
