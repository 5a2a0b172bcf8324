using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Airwave.Catalog.Features;

/// <summary>
/// Entity tags of the API's podcasts and episodes, and the <c>If-Match</c> precondition of their <c>PATCH</c>
/// (RFC 9110 8.8.3, 13.1.1): a client that sends back the tag of what it read changes the thing only if nobody else did
/// in between, so two editors never silently overwrite each other. A tag is a hash of the JSON the caller is given,
/// so it is strong and moves whenever anything in it does (an edit, processing finishing, a scheduled episode going
/// out). Without <c>If-Match</c> a change is made as before (last writer wins).
/// </summary>
internal static class EntityTags
{
    /// <summary>The strong entity tag of a representation: the first 128 bits of the SHA-256 of its JSON, quoted.</summary>
    public static string Of<T>(HttpRequest http, T representation)
    {
        var json = http.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(representation, json));
        return $"\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"";
    }

    /// <summary>
    /// Gives the endpoint's <c>200</c> answers of <typeparamref name="T"/> their ETag, and says so (and, with
    /// <paramref name="ifMatch"/>, that the endpoint honours <c>If-Match</c>) in the OpenAPI description. A filter on the
    /// endpoint, not code in the handler: the studio calls the same handlers for its forms, and its pages must not
    /// carry the JSON's tag.
    /// </summary>
    public static RouteHandlerBuilder WithEntityTag<T>(this RouteHandlerBuilder endpoint, bool ifMatch = false) where T : class =>
        endpoint.WithMetadata(new EntityTagMetadata(ifMatch)).AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var ok = result as Ok<T> ?? (result as INestedHttpResult)?.Result as Ok<T>;
            if (ok?.Value is { } value)
            {
                context.HttpContext.Response.Headers.ETag = Of(context.HttpContext.Request, value);
            }

            return result;
        });

    /// <summary>Whether the request carries an <c>If-Match</c> header (then the change must be made atomically against what was read).</summary>
    public static bool HasIfMatch(HttpRequest http) => http.Headers.IfMatch.Count > 0;

    /// <summary>400 when <c>If-Match</c> is there but is not <c>*</c> or a list of quoted entity tags; otherwise null.</summary>
    public static ValidationProblem? InvalidIfMatch(HttpRequest http) =>
        HasIfMatch(http) && (!EntityTagHeaderValue.TryParseStrictList(http.Headers.IfMatch, out var tags) || tags.Count == 0)
            ? Problems.Validation("If-Match", "must be * or a list of entity tags in double quotes, as given in the ETag header")
            : null;

    /// <summary>
    /// Whether a valid <c>If-Match</c> lets the change go on: <c>*</c> (the thing exists) or one of its tags equal to
    /// <paramref name="current"/> (strong comparison: a weak tag never matches).
    /// </summary>
    public static bool IfMatchAllows(HttpRequest http, string current)
    {
        var currentTag = new EntityTagHeaderValue(current);
        return EntityTagHeaderValue.TryParseStrictList(http.Headers.IfMatch, out var tags)
            && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(currentTag, useStrongComparison: true));
    }

    /// <summary>412: what the client read has changed since (it should read it again and redo its change on that).</summary>
    public static ProblemHttpResult ChangedMeanwhile(string what) =>
        Problems.PreconditionFailed($"{what} changed after the version named in If-Match, so nothing was changed. "
            + "Read it again (GET gives the current ETag), apply your change to what it holds now, and send it with the new tag.");
}
