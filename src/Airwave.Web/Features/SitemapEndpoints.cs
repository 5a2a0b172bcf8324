using System.Text;
using System.Xml;
using Airwave.Catalog.Contracts;

namespace Airwave.Web.Features;

/// <summary>
/// <c>GET /sitemap.xml</c> (the home page and every public podcast and episode page, with when each last changed, up
/// to the sitemap protocol's 50,000 URLs) and <c>GET /robots.txt</c> (points crawlers at it and keeps them out of the
/// API, search results and embeds). URLs are absolute, from the public base URL.
/// </summary>
internal static class SitemapEndpoints
{
    public const int MaxUrls = 50_000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sitemap.xml", SitemapAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/robots.txt", Robots).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> SitemapAsync(HttpContext http, IPublicCatalog catalog, CancellationToken cancellationToken)
    {
        var pages = await catalog.ListPagesAsync(MaxUrls - 1, cancellationToken);
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = true }))
        {
            await xml.WriteStartDocumentAsync();
            xml.WriteStartElement("urlset", "http://www.sitemaps.org/schemas/sitemap/0.9");
            xml.WriteStartElement("url");
            xml.WriteElementString("loc", http.Absolute("/"));
            xml.WriteEndElement();
            foreach (var page in pages)
            {
                xml.WriteStartElement("url");
                xml.WriteElementString("loc", http.Absolute(page.Path));
                xml.WriteElementString("lastmod", page.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'",
                    System.Globalization.CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            await xml.WriteEndDocumentAsync();
        }

        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Bytes(buffer.ToArray(), "application/xml; charset=utf-8");
    }

    private static ContentHttpResult Robots(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Text(
            $"""
            User-agent: *
            Disallow: /api/
            Disallow: /search
            Disallow: /embed/
            Disallow: /studio
            Allow: /

            Sitemap: {http.Absolute("/sitemap.xml")}

            """, "text/plain; charset=utf-8");
    }
}
