using System.Globalization;
using System.Net.Http.Headers;
using Airwave.Core.Jobs;
using Airwave.Notifications.Contracts;
using Airwave.Notifications.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Notifications.Sending;

/// <summary>
/// Sends one receipt's request: a WebSub publish (<c>POST hub.mode=publish&amp;hub.url=FEED</c>, form-encoded) or a ping
/// (<c>GET</c> of the template with the escaped feed URL). Each attempt is recorded on the receipt. Network errors,
/// timeouts, 408, 429 and 5xx are retried with a doubling delay (or the server's Retry-After); any other answer
/// outside 2xx fails the receipt at once. The job queue makes it durable: a send interrupted by a restart is
/// claimed again when its lease runs out. A crash after the target answered but before the receipt was updated
/// sends once more, which hubs and directories take as the same news.
/// </summary>
internal sealed class SendPublishNotification(
    ReceiptStore receipts,
    IHttpClientFactory clients,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<SendPublishNotification> logger) : IJobHandler
{
    public const string JobKind = "publish-notification";
    public const string ClientName = "Airwave.Notifications";
    private const int MaxBodyExcerpt = 200;

    public string Kind => JobKind;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var receipt = await receipts.FindAsync(Guid.Parse(context.Job.SubjectKey), cancellationToken);
        // Gone with its episode, or settled already by an earlier run that crashed before closing the job.
        if (receipt is not { State: ReceiptStates.Pending, FeedUrl: { } feedUrl })
        {
            return;
        }

        context.Report("sending", null);
        var attempt = context.Job.Attempts;
        var outcome = await SendAsync(receipt.Kind, receipt.TargetUrl, feedUrl, cancellationToken);
        var now = clock.GetUtcNow();
        if (outcome.Verdict == Verdict.Succeeded)
        {
            await receipts.SucceedAsync(receipt.Id, attempt, outcome.Status!.Value, now, CancellationToken.None);
            logger.LogInformation("Announced feed {FeedUrl} to {Target} ({Kind}): HTTP {Status}", feedUrl, Redacted(receipt.TargetUrl), receipt.Kind,
                outcome.Status);
            return;
        }

        await receipts.RecordFailedAttemptAsync(receipt.Id, attempt, outcome.Status, outcome.Error!, now, CancellationToken.None);
        logger.LogWarning("Announcing feed {FeedUrl} to {Target} ({Kind}) failed (attempt {Attempt} of {Max}): {Error}", feedUrl,
            Redacted(receipt.TargetUrl), receipt.Kind, attempt, context.Job.MaxAttempts, outcome.Error);
        throw outcome.Verdict == Verdict.Fail
            ? new PermanentJobFailureException(outcome.Error!)
            : new RetryJobLaterException(outcome.Error!, SendPolicy.RetryDelay(options.Value.RetryDelay, attempt, outcome.RetryAfter));
    }

    public Task OnFailedAsync(JobLease job, string reason, CancellationToken cancellationToken) =>
        receipts.FailAsync(Guid.Parse(job.SubjectKey), reason, clock.GetUtcNow(), cancellationToken);

    /// <summary>The request for a receipt: the User-Agent names Airwave and the feed, as hubs and directories ask of publishers.</summary>
    internal static HttpRequestMessage BuildRequest(string kind, string targetUrl, string feedUrl)
    {
        var request = kind == ReceiptKinds.WebSub
            ? new HttpRequestMessage(HttpMethod.Post, targetUrl)
            {
                Content = new FormUrlEncodedContent([new("hub.mode", "publish"), new("hub.url", feedUrl)]),
            }
            : new HttpRequestMessage(HttpMethod.Get, PingTemplate.Expand(targetUrl, feedUrl));
        request.Headers.TryAddWithoutValidation("User-Agent", $"Airwave/1.0 (+{feedUrl})");
        return request;
    }

    /// <summary>Scheme, host and port only: a target's path or query could carry a token, and logs are read by more people.</summary>
    internal static string Redacted(string url) =>
        Uri.TryCreate(url.Replace(PingTemplate.Placeholder, "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority)
            : "(invalid URL)";

    private async Task<Outcome> SendAsync(string kind, string targetUrl, string feedUrl, CancellationToken cancellationToken)
    {
        var timeout = options.Value.RequestTimeout;
        using var request = BuildRequest(kind, targetUrl, feedUrl);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            var verdict = SendPolicy.Classify(status);
            if (verdict == Verdict.Succeeded)
            {
                return new Outcome(verdict, status, null, null);
            }

            var excerpt = await ExcerptAsync(response, deadline.Token);
            var error = $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd() + (excerpt is null ? "" : ": " + excerpt);
            return new Outcome(verdict, status, error, RetryAfter(response.Headers.RetryAfter));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(Verdict.Retry, null, $"no answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", null);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(Verdict.Retry, null, $"request failed: {e.Message}", null);
        }
    }

    /// <summary>The start of a short text answer (a directory often says what it disliked), on one line.</summary>
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is null || !(type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream);
            var buffer = new char[MaxBodyExcerpt];
            var read = await reader.ReadBlockAsync(buffer, cancellationToken);
            var text = string.Join(' ', new string(buffer, 0, read).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);

    private sealed record Outcome(Verdict Verdict, int? Status, string? Error, TimeSpan? RetryAfter);
}
