using Airwave.Core.Hosting;
using Airwave.Core.Options;
using Airwave.Delivery.Contracts;
using Airwave.Delivery.Data;
using Airwave.Delivery.Features;
using Airwave.Delivery.Log;
using Airwave.Delivery.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Airwave.Delivery;

/// <summary>
/// Registers the Delivery module: the media origin, redirect targets for other modules (<see cref="IMediaDelivery"/>),
/// URL signing and the delivery log (middleware, batched writer, retention cleanup).
/// </summary>
public static class DeliveryModule
{
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>>(new RulesValidator<DeliveryOptions>(o => o.Validate()));
        services.AddSingleton<UrlSigners>();
        services.AddSingleton<IMediaDelivery, MediaRedirects>();
        // The owning module replaces this (it registers its own, which wins whatever the order).
        services.TryAddSingleton<IWithheldMedia, NothingWithheld>();
        services.AddSingleton<DeliveryLogStore>();
        // The writer drains the buffer the request pipeline fills, so it runs where requests are served.
        services.AddRoleService<DeliveryLogWriter>(ServerRoles.Api);
        services.AddRoleService<DeliveryLogCleanup>(ServerRoles.Worker);
        return services;
    }

    /// <summary>Logs requests to marked endpoints; goes after routing (it reads the endpoint) and before the endpoints run.</summary>
    public static IApplicationBuilder UseDeliveryLog(this IApplicationBuilder app) => app.UseMiddleware<DeliveryLogMiddleware>();

    public static IEndpointRouteBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        MediaOrigin.Map(app);
        return app;
    }

    private sealed class NothingWithheld : IWithheldMedia
    {
        public Task<bool> IsWithheldAsync(string blobKey, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
