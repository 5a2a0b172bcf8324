using Airwave.Core.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace Airwave.Server.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json and the browsable page at /api-docs.</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddAirwaveOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            // Each feature names its body "Request"; prefix the feature ("CreatePodcastRequest") to keep schemas apart.
            // A PATCH field (Optional<T>) is inlined rather than given a schema of its own.
            o.CreateSchemaReferenceId = info =>
                info.Type.IsGenericType && info.Type.GetGenericTypeDefinition() == typeof(Optional<>) ? null
                : info.Type.IsNested && info.Type.DeclaringType is { } feature ? feature.Name + info.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(info);
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Airwave API",
                    Version = "v1",
                    Description = "Podcasts, episodes and accounts. Errors are RFC 7807 problem details; JSON is snake_case; " +
                        "unknown fields are rejected. See docs/api-guide.md.",
                };
                // The document describes the API wherever it is served; clients use their own base address.
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An access token from /api/v1/auth/login or a personal API token.",
                };
                return Task.CompletedTask;
            });
            // Endpoints that need sign-in say so, and every operation documents its error shape.
            o.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] }];
                }

                var problem = await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, cancellationToken);
                operation.Responses ??= [];
                operation.Responses["default"] = new OpenApiResponse
                {
                    Description = "An RFC 7807 problem: status, title, detail, and errors (field → reasons) for invalid input.",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
                };

                // Podcasts and episodes carry an ETag; their PATCH takes it back in If-Match (docs/api-guide.md section 30).
                if (metadata.OfType<EntityTagMetadata>().FirstOrDefault() is { } tagged)
                {
                    if (operation.Responses.TryGetValue("200", out var ok) && ok is OpenApiResponse okResponse)
                    {
                        okResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        okResponse.Headers["ETag"] = new OpenApiHeader
                        {
                            Description = "A strong tag of this representation; send it back in If-Match to change only this version.",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        };
                    }

                    if (tagged.IfMatch)
                    {
                        operation.Parameters ??= [];
                        operation.Parameters.Add(new OpenApiParameter
                        {
                            Name = "If-Match",
                            In = ParameterLocation.Header,
                            Description = "The ETag read (or several, or *): the change is made only while it is current, else 412.",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        });
                        operation.Responses["412"] = new OpenApiResponse
                        {
                            Description = "Changed since the version in If-Match: nothing was changed. Read it again and retry.",
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
                        };
                    }
                }
            });
            o.AddSchemaTransformer(async (schema, context, cancellationToken) =>
            {
                var type = context.JsonTypeInfo.Type;
                // Request fields are all optional on the wire: the server checks presence itself, so it can report
                // every missing field at once (see docs/api-guide.md for which ones each request needs).
                if (type.IsNested && type.Name.EndsWith("Request", StringComparison.Ordinal))
                {
                    schema.Required?.Clear();
                }

                // Problem details carry extension members (trace_id, and more to come): they are open objects.
                if (typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type))
                {
                    schema.AdditionalPropertiesAllowed = true;
                    schema.AdditionalProperties = null;
                }

                // A PATCH field (Optional<T>) is described as the T it carries.
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>))
                {
                    var inner = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken);
                    schema.Type = inner.Type | JsonSchemaType.Null;
                    schema.Format = inner.Format;
                    // Lists and objects (Podcasting 2.0 fields) keep their element and member shapes.
                    schema.Items = inner.Items;
                    schema.Properties = inner.Properties;
                    schema.Description = "Left out: unchanged. null: cleared (or refused where the field is required).";
                }
            });
        });

    public static WebApplication MapAirwaveOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api-docs";
            o.DocumentTitle = "Airwave API";
            o.SwaggerEndpoint("/openapi/v1.json", "Airwave API v1");
        });
        return app;
    }
}
