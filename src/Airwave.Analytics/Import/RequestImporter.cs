using System.Text;
using System.Threading.Channels;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Data;
using Airwave.Analytics.Downloads;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics.Import;

/// <summary>Receives the requests a log file holds.</summary>
internal interface IImportSink
{
    void Add(ImportedRequest request);

    void Malformed(long lineNumber, string reason);
}

/// <summary>What importing one file did.</summary>
/// <param name="Lines">Lines read, blank ones included.</param>
/// <param name="Imported">Requests stored now.</param>
/// <param name="AlreadyStored">Requests whose request id was stored already (the file, or part of it, was imported before).</param>
/// <param name="NotMedia">Requests for anything but media files (feeds, covers, waveforms): not stored.</param>
/// <param name="TooOld">Requests from before the first day that can still be recomputed: not stored.</param>
/// <param name="Malformed">Lines that are not requests; reported and skipped.</param>
public sealed record ImportFileReport(string File, long Lines, long Imported, long AlreadyStored, long NotMedia, long TooOld, long Malformed);

/// <summary>
/// Imports request logs from files (<c>airwave analytics import</c>): the nginx edge's JSON log, CloudFront standard
/// logs and the JSONL request format, into <c>analytics_imported_requests</c>. Only media requests that can still be
/// counted are kept; their request ids make a second import of the same lines change nothing. The counting pass
/// notices the new requests (the day's request count changed) and recomputes those days and their neighbours.
/// Reading runs on its own thread; rows go to the database a thousand at a time.
/// </summary>
internal sealed class RequestImporter(AnalyticsStore store, IOptions<AnalyticsOptions> options, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Formats = ["nginx", "cloudfront", "jsonl"];
    private const int Batch = 1000;

    /// <param name="onMalformed">Told about each malformed line (line number, reason).</param>
    /// <param name="onProgress">Told, now and then, how many bytes of the file were read.</param>
    public async Task<ImportFileReport> ImportAsync(string path, string format, Action<long, string>? onMalformed, Action<long>? onProgress,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var firstDay = DownloadCounting.FirstCompleteDay(now, options.Value.RequestRetention);
        var oldest = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var channel = Channel.CreateBounded<ImportedRequest>(new BoundedChannelOptions(4 * Batch) { SingleReader = true, SingleWriter = true });
        var sink = new Sink(channel.Writer, oldest, onMalformed);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var reading = Task.Run(() =>
        {
            try
            {
                return format switch
                {
                    "nginx" => NginxJsonLogReader.Read(file, sink),
                    "cloudfront" => CloudFrontLogReader.Read(file, new LineSink(sink, "cloudfront")),
                    "jsonl" => JsonlRequestReader.Read(file, new LineSink(sink, "jsonl")),
                    _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not an import format."),
                };
            }
            finally
            {
                channel.Writer.Complete();
            }
        }, cancellationToken);

        long imported = 0, already = 0;
        var batch = new List<ImportedRequest>(Batch);
        await foreach (var request in channel.Reader.ReadAllAsync(cancellationToken))
        {
            batch.Add(request);
            if (batch.Count == Batch)
            {
                var stored = await store.InsertImportedAsync(batch, clock.GetUtcNow(), cancellationToken);
                (imported, already) = (imported + stored, already + batch.Count - stored);
                batch.Clear();
                onProgress?.Invoke(file.Position);
            }
        }

        var summary = await reading;
        if (batch.Count > 0)
        {
            var stored = await store.InsertImportedAsync(batch, clock.GetUtcNow(), cancellationToken);
            (imported, already) = (imported + stored, already + batch.Count - stored);
        }

        onProgress?.Invoke(file.Length);
        return new ImportFileReport(path, summary.Lines, imported, already, sink.NotMedia, sink.TooOld, summary.Malformed);
    }

    /// <summary>The path of a request URL: no scheme, host or query (the media paths are the same behind every host).</summary>
    public static string PathOf(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var slash = url.IndexOf('/', scheme + 3);
            url = slash < 0 ? "/" : url[slash..];
        }

        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? url : url[..end];
    }

    private sealed class Sink(ChannelWriter<ImportedRequest> writer, DateTimeOffset oldest, Action<long, string>? onMalformed) : IImportSink
    {
        public long NotMedia;
        public long TooOld;

        public void Add(ImportedRequest request)
        {
            request = request with { Path = PathOf(request.Path) };
            if (!AnalyticsStore.IsMediaPath(request.Path))
            {
                NotMedia++;
                return;
            }

            if (request.OccurredAt < oldest)
            {
                TooOld++;
                return;
            }

            // The reader runs on its own thread: waiting here holds it back while the database catches up.
            while (!writer.TryWrite(request))
            {
                writer.WaitToWriteAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        public void Malformed(long lineNumber, string reason) => onMalformed?.Invoke(lineNumber, reason);
    }

    /// <summary>Turns the engine readers' requests (spans) into rows.</summary>
    private sealed class LineSink(Sink sink, string source) : IRequestSink
    {
        public void Accept(scoped in RequestLine request) =>
            sink.Add(new ImportedRequest(Encoding.UTF8.GetString(request.RequestId), source, new DateTimeOffset(request.Time, TimeSpan.Zero),
                Encoding.UTF8.GetString(request.Method), Encoding.UTF8.GetString(request.Url), request.Status, Encoding.UTF8.GetString(request.Ip),
                Text(request.UserAgent), Text(request.Referer), Text(request.Range), request.ServedStart, request.BytesServed));

        public void Malformed(long lineNumber, string reason) => sink.Malformed(lineNumber, reason);

        private static string? Text(ReadOnlySpan<byte> value) => value.IsEmpty ? null : Encoding.UTF8.GetString(value);
    }
}
