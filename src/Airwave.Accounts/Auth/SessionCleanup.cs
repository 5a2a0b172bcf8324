using Airwave.Accounts.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Airwave.Accounts.Auth;

/// <summary>
/// Removes sign-in sessions that ended (expired or signed out) more than a day ago, once an hour. The day of grace
/// keeps a just-revoked session around long enough for refresh-token reuse to still be recognised. Several
/// instances running it at once is harmless: the delete is idempotent.
/// </summary>
internal sealed class SessionCleanup(SessionStore sessions, TimeProvider clock, ILogger<SessionCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var deleted = await sessions.DeleteEndedAsync(clock.GetUtcNow() - Grace, cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("Removed {Count} ended sign-in sessions", deleted);
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
                logger.LogWarning(e, "Session cleanup failed; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
