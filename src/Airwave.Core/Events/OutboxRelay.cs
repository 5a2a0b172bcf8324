using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Airwave.Core.Events;

/// <summary>
/// Hands outbox events to the configured <see cref="IEventTransport"/>, in order of occurrence, and marks each row
/// dispatched only once the transport accepted it (handled in-process, or confirmed by the broker). A failing
/// event is retried with growing delays and, after <see cref="MaxAttempts"/>, set aside as dead with its last error
/// (it stays in the table for inspection). A transport that is away (the broker down) costs the events nothing:
/// they stay due, no attempt is counted, and the relay tries again with a growing pause. Relays in several
/// processes share the table by claiming rows for a while before sending them.
/// Nothing acknowledged is lost: events are rows written with the change they describe.
/// </summary>
public sealed class OutboxRelay(
    Database database,
    IEventTransport transport,
    OutboxSignal signal,
    TimeProvider clock,
    EventMetrics metrics,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const int MaxAttempts = 10;
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxUnavailablePause = TimeSpan.FromSeconds(5);
    private int _unavailableRounds;

    /// <summary>Delivers what is due now; returns how many events were accepted. Tests call it directly.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await OutboxSql.ClaimDueAsync(database, now, now + ClaimDuration, BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var messages = due.Select(r => new OutboxMessage(r.Id, r.Type, r.Payload, r.OccurredAt, r.Attempts)).ToList();
        IReadOnlyList<TransportResult> results;
        try
        {
            results = await transport.SendAsync(messages, cancellationToken);
        }
        catch (EventTransportUnavailableException e)
        {
            results = [.. messages.Select(m => new TransportResult(m.Id, e))];
        }

        var delivered = new List<Guid>();
        var unavailable = 0;
        var retrying = 0;
        var dead = 0;
        var byId = results.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var message in messages)
        {
            var error = byId.TryGetValue(message.Id, out var result) ? result.Error : new EventTransportUnavailableException("The transport gave no result.");
            if (error is null)
            {
                delivered.Add(message.Id);
            }
            else if (error is EventTransportUnavailableException)
            {
                // Not the event's fault: release the claim so it goes as soon as the transport is back.
                await MarkAsync(connection, "UPDATE outbox_events SET available_at = @now WHERE id = @Id", message.Id, null);
                unavailable++;
            }
            else
            {
                var attempts = message.Attempts + 1;
                logger.LogWarning(error, "Event {Type} {Id} failed (attempt {Attempt} of {Max})", message.Type, message.Id, attempts, MaxAttempts);
                _ = attempts >= MaxAttempts ? dead++ : retrying++;
                var sql = attempts >= MaxAttempts
                    ? "UPDATE outbox_events SET attempts = @attempts, last_error = @error, dead_at = @now WHERE id = @Id"
                    : "UPDATE outbox_events SET attempts = @attempts, last_error = @error, available_at = @retryAt WHERE id = @Id";
                await MarkAsync(connection, sql, message.Id, new { attempts, error = error.Message, retryAt = clock.GetUtcNow() + Backoff(attempts) });
            }
        }

        if (delivered.Count > 0)
        {
            // One statement for the accepted rows (not one commit each). The claim is given back too: a row an
            // operator marks undispatched again is due at once. Not the caller's token: the outcome is recorded even
            // while the host stops.
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE outbox_events SET dispatched_at = @now, available_at = @now WHERE {database.Dialect.AnyOf("id", "ids")}",
                new { now = clock.GetUtcNow(), ids = database.Dialect.IdList(delivered) }, cancellationToken: CancellationToken.None));
        }

        metrics.Relayed("delivered", delivered.Count);
        metrics.Relayed("unavailable", unavailable);
        metrics.Relayed("retrying", retrying);
        metrics.Relayed("dead", dead);
        if (unavailable > 0)
        {
            throw new EventTransportUnavailableException($"{unavailable} event(s) wait in the outbox until the transport is back.",
                results.Select(r => r.Error).OfType<EventTransportUnavailableException>().FirstOrDefault());
        }

        return delivered.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = PollInterval;
            try
            {
                var delivered = await DeliverDueAsync(stoppingToken);
                if (_unavailableRounds > 0)
                {
                    logger.LogInformation("Event transport is back; relaying the outbox again");
                    _unavailableRounds = 0;
                }

                if (delivered > 0)
                {
                    continue;
                }
            }
            catch (EventTransportUnavailableException e) when (!stoppingToken.IsCancellationRequested)
            {
                _unavailableRounds++;
                pause = TimeSpan.FromMilliseconds(Math.Min(MaxUnavailablePause.TotalMilliseconds, 250 * Math.Pow(2, _unavailableRounds)));
                if (_unavailableRounds == 1)
                {
                    logger.LogWarning(e.InnerException ?? e, "Event transport unavailable; events wait in the outbox ({Message})", e.Message);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Outbox relay could not read the outbox; retrying");
            }

            try
            {
                if (_unavailableRounds > 0)
                {
                    // Writers' wake-ups would only hammer an absent broker; wait the pause out.
                    await Task.Delay(pause, clock, stoppingToken);
                }
                else
                {
                    await signal.WaitAsync(pause, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempts)));

    private async Task MarkAsync(System.Data.Common.DbConnection connection, string sql, Guid id, object? extra)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("Id", id);
        parameters.Add("now", clock.GetUtcNow());
        // Not the caller's token: a claimed row's outcome is recorded even while the host stops.
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: CancellationToken.None));
    }
}
