using System.Text.Json;
using System.Threading.RateLimiting;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Airwave.Core.Http.RateLimits;
using Airwave.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Http;

/// <summary>The HTTP conventions every module's endpoints share: JSON shape and error answers.</summary>
public static class HttpSetup
{
    /// <summary>
    /// JSON is snake_case; unknown fields are rejected (400 naming the field) rather than silently ignored,
    /// so a misspelt field never looks like it was saved; numbers must be JSON numbers.
    /// </summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    public static IServiceCollection AddAirwaveHttp(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            var problem = c.ProblemDetails;
            problem.Instance ??= c.HttpContext.Request.Path;
            problem.Extensions["trace_id"] = c.HttpContext.TraceIdentifier;
            problem.Detail ??= problem.Status switch
            {
                StatusCodes.Status401Unauthorized => "Sign in: send 'Authorization: Bearer <token>' or the session cookie.",
                StatusCodes.Status403Forbidden => "Your account or token is not allowed to do this.",
                StatusCodes.Status404NotFound => "There is nothing at this address.",
                StatusCodes.Status405MethodNotAllowed => $"{c.HttpContext.Request.Method} is not supported at this address.",
                StatusCodes.Status413PayloadTooLarge =>
                    $"The request body exceeds the limit of {c.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes.",
                StatusCodes.Status415UnsupportedMediaType => "Send the request body as JSON with Content-Type: application/json.",
                _ => null,
            };
        });
        services.AddExceptionHandler<BadRequestProblemHandler>();
        // Kestrel's buffers in 32 KiB blocks: large answers (feeds, media ranges) cost far less to send (ADR 0026).
        services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<ClientAddresses>();
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>>(new RulesValidator<ServerOptions>(o => o.Validate()));
        // In-memory limiters (per process) for the high-volume endpoints; the account limits are shared (ADR 0021).
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) => new ValueTask(SharedRateLimits.RejectAsync(context.HttpContext,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(60)));
        });
        services.AddSharedRateLimits();
        return services;
    }

    /// <summary>Errors before routing, unmatched routes and auth failures all answer with problem details.</summary>
    public static IApplicationBuilder UseAirwaveProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A client's bad request is not a server error worth an error-level log entry.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        return app;
    }
}
