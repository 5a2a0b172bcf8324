namespace Airwave.Web.Features;

/// <summary>
/// People following a broken link get the site's 404 page, not a JSON problem document: when a GET outside the API
/// ends in 404 with no body (no route matched) and the client asks for HTML, this writes the page. API paths and
/// clients that do not ask for HTML keep the problem details answer.
/// </summary>
internal sealed class HtmlNotFoundWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context)
    {
        var request = context.HttpContext.Request;
        return context.ProblemDetails.Status == StatusCodes.Status404NotFound
            && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }

    public ValueTask WriteAsync(ProblemDetailsContext context) => new(Site.NotFound(context.HttpContext).ExecuteAsync(context.HttpContext));
}
