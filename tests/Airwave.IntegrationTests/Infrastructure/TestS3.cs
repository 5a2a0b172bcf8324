using Airwave.Core.Storage;
using Amazon.S3;
using Amazon.S3.Model;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>
/// A bucket of its own on the S3-compatible server named by AIRWAVE_TEST_S3 (./airwave test starts s3rver and sets
/// it), created for one test class and emptied and removed afterwards. Without the variable these tests fail rather
/// than skip, so a green run always means the S3 store was tested.
/// </summary>
public sealed class TestS3Bucket : IAsyncLifetime
{
    public const string EnvironmentVariable = "AIRWAVE_TEST_S3";

    // s3rver checks signatures against its one built-in account; any other key pair gets 403.
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private AmazonS3Client? _client;

    public string ServiceUrl { get; private set; } = "";

    public string Name { get; } = $"airwave-test-{Guid.NewGuid():N}";

    /// <summary>A client on the same endpoint, for looking at what the store wrote.</summary>
    public IAmazonS3 Client => _client ?? throw new InvalidOperationException("The test bucket is not set up.");

    public async Task InitializeAsync()
    {
        var serviceUrl = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(serviceUrl))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with ./airwave test, which starts an S3-compatible server (s3rver) and sets it.");
        }

        ServiceUrl = serviceUrl;
        _client = S3BlobStore.CreateClient(Options());
        await _client.PutBucketAsync(new PutBucketRequest { BucketName = Name });
    }

    public async Task DisposeAsync()
    {
        if (_client is null)
        {
            return;
        }

        var listing = new ListObjectsV2Request { BucketName = Name };
        ListObjectsV2Response page;
        do
        {
            page = await _client.ListObjectsV2Async(listing);
            // AWSSDK v4 leaves collections null, not empty, when the answer has none.
            foreach (var item in page.S3Objects ?? [])
            {
                await _client.DeleteObjectAsync(Name, item.Key);
            }

            listing.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        await _client.DeleteBucketAsync(Name);
        _client.Dispose();
    }

    /// <summary>Settings for a store on this bucket, as an operator would write them in the Storage section.</summary>
    public StorageOptions Options(string prefix = "") => new()
    {
        Provider = StorageOptions.S3,
        ServiceUrl = ServiceUrl,
        Bucket = Name,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Prefix = prefix,
    };

    /// <summary>The same settings as configuration keys, for a server started on this bucket.</summary>
    public IReadOnlyDictionary<string, string?> Settings(string prefix = "") => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = StorageOptions.S3,
        ["Storage:ServiceUrl"] = ServiceUrl,
        ["Storage:Bucket"] = Name,
        ["Storage:AccessKey"] = AccessKey,
        ["Storage:SecretKey"] = SecretKey,
        ["Storage:Prefix"] = prefix,
    };
}
