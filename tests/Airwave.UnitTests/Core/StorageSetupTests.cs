using Airwave.Core.Http;
using Airwave.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Airwave.UnitTests.Core;

/// <summary>The one place the blob store is chosen, and the checks its settings pass at start.</summary>
public sealed class StorageSetupTests
{
    private const string Secret = "wJalrXUtnFEMI-very-secret";

    [Fact]
    public void AddAirwaveStorage_NoSettings_LocalStoreUnderTheDataDirectory()
    {
        using var provider = Build(new() { ["Server:DataDirectory"] = "/srv/airwave" });
        var store = provider.GetRequiredService<IBlobStore>().ShouldBeOfType<LocalBlobStore>();
        store.Root.ShouldBe("/srv/airwave/blobs");
    }

    [Fact]
    public void AddAirwaveStorage_S3Provider_S3StoreWithPrefix()
    {
        using var provider = Build(S3Settings(("Storage:Provider", "S3"), ("Storage:Prefix", "/shows/")));
        var store = provider.GetRequiredService<IBlobStore>().ShouldBeOfType<S3BlobStore>();
        store.Bucket.ShouldBe("airwave-media");
        store.ObjectKey("media/a.mp3").ShouldBe("shows/media/a.mp3");
    }

    [Fact]
    public void Validate_LocalDefaults_Valid() => Validate(new StorageOptions()).Succeeded.ShouldBeTrue();

    [Fact]
    public void Validate_AwsWithRegionAndDefaultCredentials_Valid() =>
        Validate(new StorageOptions { Provider = "s3", Bucket = "my.bucket-1", Region = "eu-central-1" }).Succeeded.ShouldBeTrue();

    [Fact]
    public void Validate_UnknownProvider_NamesTheSetting() =>
        Validate(new StorageOptions { Provider = "azure" }).FailureMessage.ShouldBe("Storage:Provider must be 'local' or 's3' (it is 'azure').");

    [Fact]
    public void Validate_S3WithNothing_EveryProblemAtOnce()
    {
        var result = Validate(new StorageOptions { Provider = "s3", AccessKey = "AKIA" });
        result.Failed.ShouldBeTrue();
        result.Failures.ShouldBe([
            "Storage:Bucket is required with the s3 provider.",
            "Storage:Region is required when Storage:ServiceUrl is empty (AWS S3), e.g. 'eu-central-1'.",
            "Storage:AccessKey and Storage:SecretKey must be set together (or both left empty to use the AWS default credential chain).",
        ]);
    }

    [Theory]
    [InlineData("Storage:Bucket", "My_Bucket", "Storage:Bucket 'My_Bucket' is not a valid bucket name")]
    [InlineData("Storage:Bucket", "ab", "Storage:Bucket 'ab' is not a valid bucket name")]
    [InlineData("Storage:ServiceUrl", "127.0.0.1:9000", "Storage:ServiceUrl must be an absolute http:// or https:// URL")]
    [InlineData("Storage:ServiceUrl", "ftp://files.example.com", "Storage:ServiceUrl must be an absolute http:// or https:// URL")]
    [InlineData("Storage:ServiceUrl", "http://admin:hunter2@127.0.0.1:9000", "Storage:ServiceUrl must not carry credentials")]
    [InlineData("Storage:Prefix", "a/../b", "Storage:Prefix 'a/../b' must be")]
    [InlineData("Storage:Prefix", "with space", "Storage:Prefix 'with space' must be")]
    public void Validate_BadS3Setting_NamesIt(string setting, string value, string message)
    {
        var options = Bind(S3Settings((setting, value)));
        var result = Validate(options);
        result.Failures.ShouldHaveSingleItem().ShouldStartWith(message);
        result.FailureMessage!.ShouldNotContain("hunter2");
    }

    [Fact]
    public void Validate_OnlyAccessKey_FailsWithoutEchoingKeys()
    {
        var result = Validate(Bind(S3Settings(("Storage:SecretKey", ""))));
        result.FailureMessage!.ShouldContain("Storage:AccessKey and Storage:SecretKey must be set together");
        result.FailureMessage!.ShouldNotContain("AKIAEXAMPLE");
    }

    [Fact]
    public void ToString_S3Settings_LeavesTheSecretOut()
    {
        var text = Bind(S3Settings()).ToString();
        text.ShouldContain("airwave-media");
        text.ShouldContain("http://127.0.0.1:9000");
        text.ShouldNotContain(Secret);
        text.ShouldNotContain("AKIAEXAMPLE");
    }

    [Fact]
    public void Resolve_InvalidSettings_OptionsValidationExceptionWithTheMessage()
    {
        using var provider = Build(new() { ["Storage:Provider"] = "s3", ["Storage:SecretKey"] = Secret });
        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IBlobStore>());
        error.Message.ShouldContain("Storage:Bucket is required");
        error.Message.ShouldNotContain(Secret);
    }

    private static Dictionary<string, string?> S3Settings(params (string Key, string Value)[] changes)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "s3",
            ["Storage:ServiceUrl"] = "http://127.0.0.1:9000",
            ["Storage:Bucket"] = "airwave-media",
            ["Storage:AccessKey"] = "AKIAEXAMPLE",
            ["Storage:SecretKey"] = Secret,
        };
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section);
        services.AddAirwaveStorage();
        return services.BuildServiceProvider();
    }

    private static StorageOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new StorageOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(StorageOptions.Section).Bind(options);
        return options;
    }

    private static ValidateOptionsResult Validate(StorageOptions options) => new StorageOptionsValidator().Validate(null, options);
}
