using System.Globalization;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Data;
using Airwave.Catalog.Contracts;
using Airwave.Media.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics.Downloads;

/// <summary>What one counting pass did.</summary>
/// <param name="Recomputed">The days whose figures were computed again, in order.</param>
public sealed record CountingPass(IReadOnlyList<DateOnly> Recomputed, int ImportedDeleted);

/// <summary>
/// The analytics role's counting: turns the stored requests (the delivery log's origin rows and imported log lines)
/// into counted downloads and drops per UTC day, in the database (ADR 0013).
/// <para>
/// A day's figures are defined as the engine's result for the requests of that day and the day before (pending
/// bytes and windows reach across midnight), and the day after (bytes pending at the end of the day may still make
/// a download, or expire as below the threshold, the next day). So a request on day D can change the figures of D-1,
/// D and D+1. Each pass compares, per day, how many requests are stored with how many the figures were computed from;
/// every day that differs (new, late or imported requests) has itself and its neighbours recomputed, each in one
/// transaction that replaces the day's rows. The counts are recorded only after all of those days are done, so a crash
/// or restart part-way simply recomputes them again: nothing is lost and nothing counted twice, and replayed request
/// ids are ignored by the engine. Results depend only on the stored requests and the configuration.
/// </para>
/// <para>
/// Days are recomputed only while the requests of the day before them are all still stored (the retention, 7 days):
/// after that a day's figures are final.
/// </para>
/// </summary>
internal sealed partial class DownloadCounting(AnalyticsStore store, ICatalogDirectory catalog, IMediaService media,
    IOptions<AnalyticsOptions> options, AnalyticsEngineSettings engine, TimeProvider clock, ILogger<DownloadCounting> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>One pass: recompute the days whose stored requests changed, then delete imported requests past the retention.</summary>
    public async Task<CountingPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var settings = options.Value;
            var now = clock.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var firstComplete = FirstCompleteDay(now, settings.RequestRetention);
            var counts = await store.CountRequestsPerDayAsync(settings.CountOriginRequests, firstComplete, today.AddDays(1), cancellationToken);
            var computed = await store.ComputedDaysAsync(firstComplete, today.AddDays(1), cancellationToken);
            var changed = new SortedSet<DateOnly>();
            var shrunk = new HashSet<DateOnly>();
            for (var day = firstComplete; day <= today; day = day.AddDays(1))
            {
                var stored = counts.GetValueOrDefault(day);
                var before = computed.GetValueOrDefault(day);
                if (stored > before)
                {
                    changed.Add(day);
                }
                else if (stored < before)
                {
                    // Requests only ever arrive; fewer means a retention deleted some (Delivery:LogRetention shorter
                    // than Analytics:RequestRetention). What is left would undercount: the figures stay as they were.
                    shrunk.Add(day);
                    LogShrunk(AnalyticsStore.DayText(day), before, stored);
                }
            }

            // The first complete day has no complete day before it: its figures are final, only its neighbour moves.
            var recompute = new SortedSet<DateOnly>(changed.SelectMany(d => new[] { d.AddDays(-1), d, d.AddDays(1) })
                .Where(d => d > firstComplete && d <= today && !shrunk.Contains(d)));
            if (recompute.Count > 0)
            {
                var files = await EpisodeFiles.LoadAsync(catalog, media, cancellationToken);
                var countingSettings = await engine.GetAsync(cancellationToken);
                foreach (var day in recompute)
                {
                    await RecomputeDayAsync(day, files, countingSettings, settings.CountOriginRequests, cancellationToken);
                }

                var marks = changed.Union(recompute).ToDictionary(d => d, d => counts.GetValueOrDefault(d));
                await store.MarkComputedAsync(marks, clock.GetUtcNow(), cancellationToken);
                LogRecomputed(recompute.Count, string.Join(", ", recompute.Select(AnalyticsStore.DayText)));
            }
            else if (changed.Count > 0)
            {
                await store.MarkComputedAsync(changed.ToDictionary(d => d, d => counts.GetValueOrDefault(d)), clock.GetUtcNow(), cancellationToken);
            }

            var deleted = await store.DeleteImportedBeforeAsync(now - settings.RequestRetention, cancellationToken);
            return new CountingPass([.. recompute], deleted);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The first UTC day whose requests are all still stored.</summary>
    public static DateOnly FirstCompleteDay(DateTimeOffset now, TimeSpan retention)
    {
        var cutoff = (now - retention).UtcDateTime;
        var day = DateOnly.FromDateTime(cutoff);
        return cutoff.TimeOfDay == TimeSpan.Zero ? day : day.AddDays(1);
    }

    private async Task RecomputeDayAsync(DateOnly day, EpisodeFiles files, CountingSettings settings, bool originRequests,
        CancellationToken cancellationToken)
    {
        var downloads = new List<DownloadRow>();
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        var dayText = AnalyticsStore.DayText(day);
        using var counter = new DownloadCounter(files.Catalog, settings,
            onDownload: download =>
            {
                if (download.Day == day && files.Owners.TryGetValue(download.EpisodeId, out var owner))
                {
                    downloads.Add(new DownloadRow(dayText, owner.EpisodeId, owner.PodcastId, download.Listener.ToString("x32", CultureInfo.InvariantCulture),
                        download.App, download.Device, download.Os, download.Place.Country, download.Place.Region, download.Place.City));
                }
            },
            onDrop: (reason, dropDay, requests) =>
            {
                if (dropDay == day)
                {
                    var name = CountingSettings.ReasonName(reason);
                    drops[name] = drops.GetValueOrDefault(name) + requests;
                }
            });
        await foreach (var request in store.ReadRequestsAsync(originRequests, day.AddDays(-1), day.AddDays(2), cancellationToken))
        {
            counter.Add(new DownloadRequest(request.RequestId, request.OccurredAt, request.Method, request.Status, request.Path, request.ClientIp ?? "",
                request.UserAgent, request.Referer, request.RangeHeader, request.FirstByte ?? 0, request.BytesServed));
        }

        counter.Finish();
        await store.ReplaceDayAsync(day, downloads, drops, clock.GetUtcNow(), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CountingInterval;
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics: recomputed downloads of {Count} days ({Days})")]
    private partial void LogRecomputed(int count, string days);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Analytics: {Day} has {Now} stored requests, fewer than the {Before} its figures were computed from (a retention deleted some?); its figures are kept")]
    private partial void LogShrunk(string day, long before, long now);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics counting failed; it runs again in {Interval}")]
    private partial void LogFailed(Exception exception, TimeSpan interval);
}

/// <summary>
/// The engine's settings, built once: the options checked at start (a bad setting or geography file stops it), the
/// listener secret from the options or, when none is set, the one stored in the database.
/// </summary>
internal sealed class AnalyticsEngineSettings(IOptions<AnalyticsOptions> options, AnalyticsStore store, TimeProvider clock)
{
    private CountingSettings? _settings;

    /// <remarks>Two first callers at once both build them; the stored secret is the same for both, so either result will do.</remarks>
    public async Task<CountingSettings> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _settings) is { } ready)
        {
            return ready;
        }

        var secret = options.Value.ListenerSecret.Length > 0 ? null
            : await store.ListenerSecretAsync(ListenerKeys.RandomSecret, clock.GetUtcNow(), cancellationToken);
        var settings = options.Value.ToSettings(storedSecret: secret);
        return Interlocked.CompareExchange(ref _settings, settings, null) ?? settings;
    }
}
