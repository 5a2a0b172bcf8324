using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Airwave.Web.Features;

/// <summary>
/// <c>GET /assets/{file}</c>: the site's stylesheet and scripts, embedded in the assembly (wwwroot/). Pages link them
/// with a content hash (<c>?v=</c>), so a matching request may be cached for good and a new release is fetched at once.
/// </summary>
public sealed class Assets
{
    public const string BasePath = "/assets";
    private const string Immutable = "public, max-age=31536000, immutable";
    private readonly FrozenDictionary<string, Asset> _files;

    public Assets()
    {
        var assembly = typeof(Assets).Assembly;
        _files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal))
            .ToFrozenDictionary(n => n["wwwroot/".Length..], n => Load(assembly, n), StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Body, string ContentType, string Version, EntityTagHeaderValue ETag);

    /// <summary>The versioned URL path of an asset (its content hash in the query).</summary>
    public string Url(string file) => $"{BasePath}/{file}?v={_files[file].Version}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapMethods(BasePath + "/{file}", ["GET", "HEAD"], Serve).AllowAnonymous().ExcludeFromDescription();

    private static IResult Serve(string file, string? v, HttpContext http, Assets assets)
    {
        if (!assets._files.TryGetValue(file, out var asset))
        {
            return Problems.NotFound("The file");
        }

        http.Response.Headers.CacheControl = v == asset.Version ? Immutable : "no-cache";
        http.Response.Headers.ETag = asset.ETag.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(asset.ETag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Body, asset.ContentType);
    }

    private static Asset Load(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var body = buffer.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body))[..16];
        var contentType = Path.GetExtension(name) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return new Asset(body, contentType, hash, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
