using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>
/// Another web site on a loopback port (a real HTTP server), serving files the test puts there: an old podcast host
/// for imports. A path can be told to fail a number of times first; requests are counted per path.
/// </summary>
public sealed class StaticSite : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Body, string ContentType)> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<StaticSite> StartAsync()
    {
        var site = new StaticSite();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        site._app = builder.Build();
        site._app.Run(site.ServeAsync);
        await site._app.StartAsync();
        site.BaseAddress = new Uri(site._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return site;
    }

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    public void Put(string path, byte[] body, string contentType) => _files[path] = (body, contentType);

    public void Put(string path, string text, string contentType) => Put(path, System.Text.Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>The next <paramref name="times"/> requests for <paramref name="path"/> get 503.</summary>
    public void FailNext(string path, int times) => _failures[path] = times;

    public int Requests(string path) => _requests.GetValueOrDefault(path);

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_failures.TryGetValue(path, out var left) && left > 0)
        {
            _failures[path] = left - 1;
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (!_files.TryGetValue(path, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = file.ContentType;
        context.Response.ContentLength = file.Body.Length;
        await context.Response.Body.WriteAsync(file.Body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
