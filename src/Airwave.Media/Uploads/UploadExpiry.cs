using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Airwave.Media.Uploads;

/// <summary>
/// Every few minutes, deletes uploads that were not finished before they expired (and chunks left by uploads that are
/// gone), and completes uploads that have every byte but were never completed (see <see cref="UploadService.ExpireAsync"/>).
/// Several instances running it at once is harmless: each step is idempotent or guarded.
/// </summary>
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
