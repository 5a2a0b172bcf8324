using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Airwave.Core.Http;

/// <summary>
/// Turns what the framework rejects before an endpoint runs (malformed JSON, unknown or mistyped fields, a missing
/// body, unparsable query values) into problem details that name the field and the reason. Oversized bodies (413)
/// and wrong content types (415) are worded in <see cref="HttpSetup"/>, as they can arise outside endpoints.
/// Requires <c>RouteHandlerOptions.ThrowOnBadRequest</c> so binding failures arrive here as exceptions.
/// </summary>
internal sealed partial class BadRequestProblemHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // The exception handler clears the endpoint before handlers run; the feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var problem = Describe(bad, endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType);
        httpContext.Response.StatusCode = problem.Status ?? bad.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <param name="bad">What the framework threw.</param>
    /// <param name="requestType">The endpoint's JSON body type, used to say what a mistyped field should hold.</param>
    internal static ProblemDetails Describe(BadHttpRequestException bad, Type? requestType)
    {
        if (bad.InnerException is JsonException json)
        {
            var (field, reason) = DescribeJson(json, requestType);
            return Validation(field, reason, "The request body could not be read as JSON of the expected shape.");
        }

        if (MissingBodyPattern().IsMatch(bad.Message))
        {
            return Validation("body", "is required: send a JSON object", "The request has no body.");
        }

        if (BindPattern().Match(bad.Message) is { Success: true } bind)
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(bind.Groups["name"].Value);
            return Validation(name, $"'{bind.Groups["value"].Value}' is not {DescribeTypeName(bind.Groups["type"].Value)}", "A query or route value is invalid.");
        }

        // Other statuses (415 for a body that is not JSON, 413) get their standard title and Airwave's wording.
        return new ProblemDetails { Status = bad.StatusCode, Detail = bad.StatusCode == 400 ? bad.Message : null };
    }

    private static (string Field, string Reason) DescribeJson(JsonException json, Type? requestType)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = json.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var unknown = UnmappedPattern().Match(message);
            return (unknown.Success ? unknown.Groups["name"].Value : field, "is not a known field");
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            // The exception names the containing type, not the field's; find the field on the request type.
            var property = requestType?.GetProperties().FirstOrDefault(p =>
                JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == field);
            return (field, $"must be {DescribeTypeName(property is null ? "" : Unwrap(property.PropertyType).Name)}");
        }

        // A syntax error: keep the reader's own words (they say where), minus the .NET type noise.
        var position = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "";
        return ("body", $"is not valid JSON{position}");
    }

    private static Type Unwrap(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>))
        {
            type = type.GetGenericArguments()[0];
        }

        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static string DescribeTypeName(string typeName) => typeName.ToLowerInvariant() switch
    {
        var t when t.Contains("[]", StringComparison.Ordinal) || t.Contains("list", StringComparison.Ordinal) => "an array",
        var t when t.Contains("bool", StringComparison.Ordinal) => "true or false",
        var t when t.Contains("int", StringComparison.Ordinal) || t.Contains("long", StringComparison.Ordinal) => "a whole number",
        var t when t.Contains("datetime", StringComparison.Ordinal) => "an ISO 8601 date and time such as 2026-01-31T09:00:00Z",
        var t when t.Contains("guid", StringComparison.Ordinal) => "a UUID",
        var t when t.Contains("string", StringComparison.Ordinal) => "a string",
        _ => "a value of the expected type",
    };

    private static HttpValidationProblemDetails Validation(string field, string reason, string detail) =>
        new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [reason] })
        {
            Status = 400,
            Title = "Invalid request",
            Detail = detail,
        };

    [GeneratedRegex(@"(was not provided from body|but no body was provided)")]
    private static partial Regex MissingBodyPattern();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>.+) (?<name>\w+)"" from ""(?<value>.*)""")]
    private static partial Regex BindPattern();

    [GeneratedRegex(@"The JSON property '(?<name>[^']+)' could not be mapped")]
    private static partial Regex UnmappedPattern();
}
