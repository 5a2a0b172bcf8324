using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Airwave.Media.Uploads;

/// <summary>Every few minutes, deletes uploads that were not finished before they expired.</summary>
internal sealed class UploadExpiry(UploadService uploads, TimeProvider clock, ILogger<UploadExpiry> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var expired = await uploads.ExpireAsync(stoppingToken);
                if (expired > 0)
                {
                    logger.LogInformation("Deleted {Count} expired uploads", expired);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Upload expiry failed; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
