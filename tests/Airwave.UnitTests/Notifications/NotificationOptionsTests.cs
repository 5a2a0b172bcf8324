using Airwave.Notifications;

namespace Airwave.UnitTests.Notifications;

/// <summary>The checks the Notifications settings pass at start: each broken rule is named with its setting.</summary>
public sealed class NotificationOptionsTests
{
    private const string PodcastIndex = "https://api.podcastindex.org/api/1.0/hub/pubnotify?url={feedUrl}";

    [Fact]
    public void Validate_Defaults_ValidAndAnnounceNothing()
    {
        var options = new NotificationOptions();
        options.Validate().ShouldBeEmpty();
        options.WebSubHubs.ShouldBeEmpty();
        options.PingUrls.ShouldBeEmpty();
    }

    [Fact]
    public void Validate_PublicHubAndPodcastIndex_Valid() =>
        new NotificationOptions { WebSubHubs = ["https://pubsubhubbub.appspot.com/", "http://127.0.0.1:8081/hub"], PingUrls = [PodcastIndex] }
            .Validate().ShouldBeEmpty();

    [Theory]
    [InlineData("pubsubhubbub.appspot.com", "must be an absolute http:// or https:// URL")]
    [InlineData("ftp://hub.example.com/", "must be an absolute http:// or https:// URL")]
    [InlineData("/hub", "must be an absolute http:// or https:// URL")]
    [InlineData(" ", "is empty")]
    [InlineData("https://user:secret@hub.example.com/", "must not contain a user name or password")]
    public void Validate_BadHub_NamesTheEntryAndTheReason(string hub, string reason)
    {
        var problem = new NotificationOptions { WebSubHubs = ["https://ok.example.com/", hub] }.Validate().ShouldHaveSingleItem();
        problem.ShouldStartWith("Notifications:WebSubHubs:1 ");
        problem.ShouldContain(reason);
    }

    [Fact]
    public void Validate_TemplateAmongHubs_PointsToPingUrls() =>
        new NotificationOptions { WebSubHubs = [PodcastIndex] }.Validate().ShouldHaveSingleItem().ShouldContain("Notifications:PingUrls");

    [Theory]
    [InlineData("https://api.podcastindex.org/api/1.0/hub/pubnotify?url=", "must contain {feedUrl}")]
    [InlineData("https://api.podcastindex.org/api/1.0/hub/pubnotify?url={feedurl}", "must contain {feedUrl}")]
    [InlineData("{feedUrl}", "must be an absolute http:// or https:// URL")]
    [InlineData("mailto:x@example.com?body={feedUrl}", "must be an absolute http:// or https:// URL")]
    [InlineData("https://key:secret@ping.example.com/?u={feedUrl}", "must not contain a user name or password")]
    [InlineData("", "is empty")]
    public void Validate_BadPingTemplate_NamesTheEntryAndTheReason(string template, string reason)
    {
        var problem = new NotificationOptions { PingUrls = [template] }.Validate().ShouldHaveSingleItem();
        problem.ShouldStartWith("Notifications:PingUrls:0 ");
        problem.ShouldContain(reason);
    }

    [Fact]
    public void Validate_SameUrlTwice_Refused() =>
        new NotificationOptions { PingUrls = [PodcastIndex, PodcastIndex] }.Validate().ShouldHaveSingleItem().ShouldContain("twice");

    [Theory]
    [InlineData(0, 15, 60, "Notifications:MaxAttempts")]
    [InlineData(51, 15, 60, "Notifications:MaxAttempts")]
    [InlineData(3, 0, 60, "Notifications:RequestTimeout")]
    [InlineData(3, 301, 60, "Notifications:RequestTimeout")]
    [InlineData(3, 15, -1, "Notifications:RetryDelay")]
    [InlineData(3, 15, 3601, "Notifications:RetryDelay")]
    public void Validate_OutOfRange_NamesTheSetting(int maxAttempts, int timeoutSeconds, int retrySeconds, string setting) =>
        new NotificationOptions
        {
            MaxAttempts = maxAttempts,
            RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
            RetryDelay = TimeSpan.FromSeconds(retrySeconds),
        }.Validate().ShouldHaveSingleItem().ShouldStartWith(setting);

    [Fact]
    public void Validate_EveryProblemAtOnce_ListsEachOne() =>
        new NotificationOptions { WebSubHubs = ["nope"], PingUrls = ["https://x.example.com/"], MaxAttempts = 0 }.Validate().Count().ShouldBe(3);
}
