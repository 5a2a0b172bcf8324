using System.Text.Json;
using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Airwave.Core.Events;

/// <summary>
/// Delivers outbox events to their in-process handlers: in order of occurrence, each marked dispatched only after
/// every handler succeeded. A failing event is retried with growing delays and, after
/// <see cref="MaxAttempts"/>, set aside as dead with its last error (it stays in the table for inspection).
/// Nothing acknowledged is lost: events are rows written with the change they describe.
/// </summary>
public sealed class OutboxRelay(
    Database database,
    IServiceProvider services,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const int MaxAttempts = 10;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly EventRegistry _registry = BuildRegistry(services);

    /// <summary>Delivers what is due now; returns how many events were handled. Tests call it directly.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        var due = await OutboxSql.DueAsync(database, clock.GetUtcNow(), 100, cancellationToken);
        foreach (var row in due)
        {
            try
            {
                await DispatchAsync(row, cancellationToken);
                await MarkAsync("UPDATE outbox_events SET dispatched_at = @now WHERE id = @Id", row, null, cancellationToken);
                delivered++;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var attempts = row.Attempts + 1;
                logger.LogWarning(e, "Event {Type} {Id} failed (attempt {Attempt} of {Max})", row.Type, row.Id, attempts, MaxAttempts);
                var sql = attempts >= MaxAttempts
                    ? "UPDATE outbox_events SET attempts = @attempts, last_error = @error, dead_at = @now WHERE id = @Id"
                    : "UPDATE outbox_events SET attempts = @attempts, last_error = @error, available_at = @retryAt WHERE id = @Id";
                await MarkAsync(sql, row, new { attempts, error = e.Message, retryAt = clock.GetUtcNow() + Backoff(attempts) }, cancellationToken);
            }
        }

        return delivered;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeliverDueAsync(stoppingToken) > 0)
                {
                    continue;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Outbox relay could not read the outbox; retrying");
            }

            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, attempts)));

    private async Task DispatchAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = _registry.Find(row.Type)
            ?? throw new InvalidOperationException($"No handler is registered for event type {row.Type}.");
        var @event = JsonSerializer.Deserialize(row.Payload, type, EventOutbox.Json)!;
        var handlerType = typeof(IEventHandler<>).MakeGenericType(type);
        foreach (var handler in services.GetServices(handlerType))
        {
            var task = (Task)handlerType.GetMethod(nameof(IEventHandler<IEvent>.HandleAsync))!.Invoke(handler, [@event, cancellationToken])!;
            await task;
        }
    }

    private async Task MarkAsync(string sql, OutboxRow row, object? extra, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("Id", row.Id);
        parameters.Add("now", clock.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private static EventRegistry BuildRegistry(IServiceProvider services)
    {
        var registry = new EventRegistry();
        foreach (var registration in services.GetServices<EventTypeRegistration>())
        {
            registry.Register(registration.EventType);
        }

        return registry;
    }
}
