using Airwave.Core.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Storage;

/// <summary>
/// Picks the blob store from configuration, in one place: the local disk under the data directory unless
/// <c>Storage:Provider</c> is <c>s3</c>. The settings are checked at start, so a wrong one stops the server with
/// its name instead of failing the first upload.
/// </summary>
public static class StorageSetup
{
    public static IServiceCollection AddAirwaveStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        // With S3 the same store also takes uploads straight from clients.
        services.AddSingleton(provider => provider.GetRequiredService<IBlobStore>() is IDirectUploadStore direct
            ? new DirectUploads(direct)
            : new DirectUploads(null));
        services.AddSingleton<IBlobStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageSetup).FullName!);
            if (options.IsS3)
            {
                // StorageOptions.ToString leaves the secret out.
                logger.LogInformation("Blob storage: {Storage}", options);
                return new S3BlobStore(options, provider.GetService<TimeProvider>() ?? TimeProvider.System);
            }

            var root = Path.Combine(Path.GetFullPath(provider.GetRequiredService<IOptions<ServerOptions>>().Value.DataDirectory), "blobs");
            logger.LogInformation("Blob storage: local disk at {Root}", root);
            return new LocalBlobStore(root);
        });
        return services;
    }
}
