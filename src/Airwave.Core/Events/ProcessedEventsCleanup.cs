using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Events;

/// <summary>
/// Forgets handled event ids older than <see cref="EventOptions.ProcessedRetention"/>, hourly: no redelivery comes
/// back that late, and the table would otherwise grow by a row per event and consumer group forever.
/// </summary>
internal sealed class ProcessedEventsCleanup(
    Database database,
    IOptions<EventOptions> options,
    TimeProvider clock,
    ILogger<ProcessedEventsCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM processed_events WHERE processed_at < @before",
            new { before = clock.GetUtcNow() - options.Value.ProcessedRetention }, cancellationToken: cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not forget old processed events; trying again later");
            }

            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
