using Airwave.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Airwave.IntegrationTests.Delivery;

/// <summary>Delivery and trusted-proxy settings are checked when the server starts, naming each setting, never echoing the key.</summary>
public sealed class DeliveryConfigurationTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-data-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Start_SignedUrlsRequiredWithoutKey_Refused()
    {
        await using var app = Build(new() { ["Delivery:RequireSignedUrls"] = "true" });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("Delivery:SigningKey is required when Delivery:RequireSignedUrls is true.");
    }

    [Fact]
    public async Task Start_WeakKeyAndBadCdn_Refused_NamingTheSettings_NotTheKey()
    {
        const string key = "too-short-secret";
        await using var app = Build(new() { ["Delivery:SigningKey"] = key, ["Delivery:CdnBaseUrl"] = "cdn.example.com" });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("Delivery:SigningKey must be at least 32 characters");
        error.Message.ShouldContain("Delivery:CdnBaseUrl 'cdn.example.com'");
        error.Message.ShouldNotContain(key);
    }

    [Fact]
    public async Task Start_BadTrustedProxy_Refused_NamingTheEntry()
    {
        await using var app = Build(new() { ["Server:TrustedProxies"] = "127.0.0.1, 10.0.0.0/40" });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("Server:TrustedProxies: '10.0.0.0/40' is not a CIDR range");
    }

    private Microsoft.AspNetCore.Builder.WebApplication Build(Dictionary<string, string?> settings)
    {
        settings["urls"] = "http://127.0.0.1:0";
        settings["Server:DataDirectory"] = _dataDirectory;
        settings["Logging:LogLevel:Default"] = "None";
        return AirwaveApp.Build(settings);
    }
}
