using Airwave.Core.Hosting;
using Airwave.Core.Events;
using Airwave.Core.Jobs;
using Airwave.Core.Options;
using Airwave.Media.Contracts;
using Airwave.Media.Data;
using Airwave.Media.Features;
using Airwave.Media.Processing;
using Airwave.Media.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Media;

/// <summary>
/// Registers the Media module: uploads, assets, the processing job and the tus endpoints. Serving the processed files
/// is the Delivery module's (the media origin).
/// </summary>
public static class MediaModule
{
    public static IServiceCollection AddMedia(this IServiceCollection services)
    {
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaOptions>>(new RulesValidator<MediaOptions>(o => o.Validate()));
        services.AddSingleton(provider => new UploadArea(
            Path.Combine(Path.GetFullPath(provider.GetRequiredService<IOptions<ServerOptions>>().Value.DataDirectory), "uploads")));
        services.AddSingleton<UploadStore>();
        services.AddSingleton<AssetStore>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<IMediaService, MediaService>();
        services.AddSingleton<WaveformCache>();
        services.AddSingleton<CoverArt>();
        services.AddSingleton<IJobHandler, MediaProcessingJob>();
        services.AddEventHandler<MediaUploaded, QueueProcessingOnUpload>();
        // The expiry run also deletes chunks staged on the API instance that took them, so it runs beside them.
        services.AddRoleService<UploadExpiry>(ServerRoles.Api);
        return services;
    }

    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        TusEndpoints.Map(app);
        DirectUploadEndpoints.Map(app);
        return app;
    }
}
