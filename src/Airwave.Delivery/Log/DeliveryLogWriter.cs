using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Airwave.Delivery.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Delivery.Log;

/// <summary>
/// Writes delivery log rows to the database in batches, off the request path: requests append to a bounded
/// in-memory queue (never waiting, never touching the database), and this service writes what has gathered every
/// <see cref="DeliveryOptions.LogFlushInterval"/> or as soon as <see cref="DeliveryOptions.LogBatchSize"/> rows wait.
/// When the queue is full (the database cannot keep up) new rows are dropped, counted and reported, rather than
/// slowing down listeners. On shutdown, after the server has finished its requests, everything queued is written.
/// </summary>
internal sealed partial class DeliveryLogWriter : BackgroundService
{
    public const string MeterName = "Airwave.Delivery";
    private const int WriteAttempts = 3;

    private readonly Channel<DeliveryLogEntry> _queue;
    private readonly DeliveryLogStore _store;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DeliveryLogWriter> _logger;
    private readonly Counter<long> _writtenCounter;
    private readonly Counter<long> _droppedCounter;
    private readonly Lock _waitersLock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private TaskCompletionSource _flushNow = NewSignal();
    private long _accepted;
    private long _processed;
    private long _dropped;
    private long _droppedReported;
    private long _failed;

    public DeliveryLogWriter(DeliveryLogStore store, IOptions<DeliveryOptions> options, TimeProvider clock, IMeterFactory meters,
        ILogger<DeliveryLogWriter> logger)
    {
        _store = store;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _queue = Channel.CreateBounded<DeliveryLogEntry>(new BoundedChannelOptions(_options.LogQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        var meter = meters.Create(MeterName);
        _writtenCounter = meter.CreateCounter<long>("airwave.delivery.log.rows_written", "{row}", "Delivery log rows written to the database");
        _droppedCounter = meter.CreateCounter<long>("airwave.delivery.log.rows_dropped", "{row}",
            "Delivery log rows lost: the queue was full, or the database refused a batch several times");
        meter.CreateObservableGauge("airwave.delivery.log.queue_length", () => _queue.Reader.Count, "{row}", "Delivery log rows waiting to be written");
    }

    /// <summary>Rows dropped since start because the queue was full or could not be written.</summary>
    public long Dropped => Interlocked.Read(ref _dropped) + Interlocked.Read(ref _failed);

    /// <summary>Queues a row; false (and counted) when the queue is full or the writer has stopped. Never waits.</summary>
    public bool TryAppend(DeliveryLogEntry entry)
    {
        // TryWrite on a full bounded channel in Wait mode returns false at once instead of waiting.
        if (_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }

        Interlocked.Increment(ref _dropped);
        _droppedCounter.Add(1);
        return false;
    }

    /// <summary>Writes what is queued now and returns once it is in the database (tools and tests; requests never wait).</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _accepted);
        TaskCompletionSource done;
        lock (_waitersLock)
        {
            if (Interlocked.Read(ref _processed) >= target)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
        }

        Volatile.Read(ref _flushNow).TrySetResult();
        return done.Task.WaitAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host stops the web server (and lets its requests finish) before this service, so nothing is left to come.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var reader = _queue.Reader;
        var batch = new List<DeliveryLogEntry>(_options.LogBatchSize);
        // Reads are not cancelled by stoppingToken: once stopping, the queue is completed and drained to the end.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var flushNow = Volatile.Read(ref _flushNow);
            using (var window = new CancellationTokenSource(_options.LogFlushInterval, _clock))
            {
                while (batch.Count < _options.LogBatchSize)
                {
                    if (reader.TryRead(out var entry))
                    {
                        batch.Add(entry);
                    }
                    else if (window.IsCancellationRequested || flushNow.Task.IsCompleted || stoppingToken.IsCancellationRequested
                        || !await WaitForMoreAsync(reader, flushNow.Task, window.Token))
                    {
                        break;
                    }
                }

                await window.CancelAsync();
            }

            await WriteAsync(batch, stoppingToken);
            batch.Clear();
            if (flushNow.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _flushNow, NewSignal(), flushNow);
            }

            ReportDrops();
        }

        ReportDrops();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task<bool> WaitForMoreAsync(ChannelReader<DeliveryLogEntry> reader, Task flushNow, CancellationToken window)
    {
        try
        {
            var more = reader.WaitToReadAsync(window).AsTask();
            return await Task.WhenAny(more, flushNow) == more && await more;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WriteAsync(List<DeliveryLogEntry> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.InsertAsync(batch, CancellationToken.None);
                _writtenCounter.Add(batch.Count);
                break;
            }
            catch (Exception e) when (attempt < WriteAttempts && !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(e, batch.Count, attempt);
                await Task.Delay(_options.LogFlushInterval * attempt, _clock, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogLost(e, batch.Count);
                Interlocked.Add(ref _failed, batch.Count);
                _droppedCounter.Add(batch.Count);
                break;
            }
        }

        var processed = Interlocked.Add(ref _processed, batch.Count);
        lock (_waitersLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= processed)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void ReportDrops()
    {
        var dropped = Interlocked.Read(ref _dropped);
        var reported = Interlocked.Exchange(ref _droppedReported, dropped);
        if (dropped > reported)
        {
            LogDropped(dropped - reported, _options.LogQueueCapacity, dropped);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Delivery log: {Count} rows dropped because {Capacity} were already waiting for the database ({Total} since start)")]
    private partial void LogDropped(long count, int capacity, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery log: writing {Count} rows failed (attempt {Attempt}); retrying")]
    private partial void LogRetrying(Exception exception, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery log: {Count} rows could not be written and are lost")]
    private partial void LogLost(Exception exception, int count);
}
