using Airwave.Delivery.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Delivery.Log;

/// <summary>
/// Deletes delivery log rows older than <see cref="DeliveryOptions.LogRetention"/>, once an hour. The rows hold raw
/// client addresses, which are kept no longer than analytics needs to derive what it keeps (ADR 0009). Several
/// instances running it at once is harmless: the delete is idempotent.
/// </summary>
internal sealed partial class DeliveryLogCleanup(DeliveryLogStore store, IOptions<DeliveryOptions> options, TimeProvider clock,
    ILogger<DeliveryLogCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteOlderThanAsync(clock.GetUtcNow() - options.Value.LogRetention, cancellationToken);
        if (deleted > 0)
        {
            LogDeleted(deleted, options.Value.LogRetention);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery log: deleted {Count} rows older than {Retention}")]
    private partial void LogDeleted(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery log cleanup failed; it runs again in {Interval}")]
    private partial void LogFailed(Exception exception, TimeSpan interval);
}
