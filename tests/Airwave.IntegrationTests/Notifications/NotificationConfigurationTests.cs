using Airwave.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Airwave.IntegrationTests.Notifications;

/// <summary>Notification targets are checked when the server starts, not when the first episode goes live.</summary>
public sealed class NotificationConfigurationTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-data-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Start_BadHubAndTemplateWithoutPlaceholder_Refused_NamingEachSetting()
    {
        await using var app = AirwaveApp.Build(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = _dataDirectory,
            ["Logging:LogLevel:Default"] = "None",
            ["Notifications:WebSubHubs:0"] = "pubsubhubbub.appspot.com",
            ["Notifications:PingUrls:0"] = "https://api.podcastindex.org/api/1.0/hub/pubnotify?url=",
        });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("Notifications:WebSubHubs:0 ('pubsubhubbub.appspot.com') must be an absolute http:// or https:// URL");
        error.Message.ShouldContain("Notifications:PingUrls:0");
        error.Message.ShouldContain("must contain {feedUrl}");
    }
}
