using Airwave.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Airwave.IntegrationTests.Platform;

/// <summary>Storage settings are checked when the server starts, not when the first upload needs them.</summary>
public sealed class StorageConfigurationTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-data-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Start_IncompleteS3Settings_Refused_NamingTheSettings_NotTheSecret()
    {
        const string secret = "never-print-this-secret";
        await using var app = AirwaveApp.Build(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = _dataDirectory,
            ["Logging:LogLevel:Default"] = "None",
            ["Storage:Provider"] = "s3",
            ["Storage:ServiceUrl"] = "http://127.0.0.1:9",
            ["Storage:SecretKey"] = secret,
        });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("Storage:Bucket is required with the s3 provider.");
        error.Message.ShouldContain("Storage:AccessKey and Storage:SecretKey must be set together");
        error.Message.ShouldNotContain(secret);
    }
}
