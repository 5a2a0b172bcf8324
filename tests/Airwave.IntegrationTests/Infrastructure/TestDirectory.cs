using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>A request as the test directory received it.</summary>
/// <param name="FeedUrl">The feed it was about: <c>hub.url</c> of a WebSub publish, <c>url</c> of a ping.</param>
public sealed record DirectoryRequest(string Method, string Path, string RawQuery, string? ContentType, string Body, string UserAgent, string? FeedUrl);

/// <summary>
/// Stands in for a WebSub hub (<c>POST /hub</c>) and a Podcast Index style ping endpoint (<c>GET /ping?url=…</c>): a
/// real Kestrel server on a free loopback port that records every request and answers as each test scripts it, per
/// target and feed URL, so tests sharing it stay apart. Unscripted requests succeed (hub 204, ping 200).
/// </summary>
public sealed class TestDirectory : IAsyncDisposable
{
    public const string HubPath = "/hub";
    public const string PingPath = "/ping";
    private readonly ConcurrentQueue<DirectoryRequest> _requests = new();
    private readonly ConcurrentDictionary<(string Path, string FeedUrl), ConcurrentQueue<Scripted>> _scripts = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public string HubUrl => BaseUrl + HubPath;

    /// <summary>A ping template with the placeholder where the escaped feed URL goes.</summary>
    public string PingTemplate => BaseUrl + PingPath + "?url={feedUrl}";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost(HubPath, context => AnswerAsync(context, HubPath));
        _app.MapGet(PingPath, context => AnswerAsync(context, PingPath));
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var answer in _scripts.Values.SelectMany(q => q))
        {
            answer.Release?.TrySetResult();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>What was received at <paramref name="path"/> about <paramref name="feedUrl"/>, in order.</summary>
    public IReadOnlyList<DirectoryRequest> Received(string path, string feedUrl) =>
        [.. _requests.Where(r => r.Path == path && r.FeedUrl == feedUrl)];

    /// <summary>The next requests at <paramref name="path"/> about <paramref name="feedUrl"/> get these statuses, in order.</summary>
    public void Answer(string path, string feedUrl, params int[] statuses)
    {
        var queue = _scripts.GetOrAdd((path, feedUrl), _ => new ConcurrentQueue<Scripted>());
        foreach (var status in statuses)
        {
            queue.Enqueue(new Scripted(status, null, null));
        }
    }

    /// <summary>
    /// The next request at <paramref name="path"/> about <paramref name="feedUrl"/> is held without an answer:
    /// <c>Received</c> completes when it arrives; it is answered 204 once <c>Release</c> is set (or dropped when the
    /// caller goes away).
    /// </summary>
    public (Task Received, TaskCompletionSource Release) Hold(string path, string feedUrl)
    {
        var answer = new Scripted(StatusCodes.Status204NoContent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _scripts.GetOrAdd((path, feedUrl), _ => new ConcurrentQueue<Scripted>()).Enqueue(answer);
        return (answer.Arrived!.Task, answer.Release!);
    }

    private async Task AnswerAsync(HttpContext context, string path)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var feedUrl = path == HubPath
            ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body).GetValueOrDefault("hub.url").ToString()
            : request.Query["url"].ToString();
        _requests.Enqueue(new DirectoryRequest(request.Method, path, request.QueryString.Value ?? "", request.ContentType, body,
            request.Headers.UserAgent.ToString(), feedUrl));

        var status = path == HubPath ? StatusCodes.Status204NoContent : StatusCodes.Status200OK;
        if (_scripts.TryGetValue((path, feedUrl), out var queue) && queue.TryDequeue(out var answer))
        {
            status = answer.Status;
            if (answer.Arrived is not null)
            {
                answer.Arrived.TrySetResult();
                await Task.WhenAny(answer.Release!.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        context.Response.StatusCode = status;
        if (status != StatusCodes.Status204NoContent)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(status < 300 ? """{"status":"true"}""" : $$"""{"status":"false","description":"scripted {{status}}"}""");
        }
    }

    private sealed record Scripted(int Status, TaskCompletionSource? Arrived, TaskCompletionSource? Release);
}
