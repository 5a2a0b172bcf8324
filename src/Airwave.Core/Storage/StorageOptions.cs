using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Storage;

/// <summary>Where blobs (uploads, processed media) are kept; bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string Local = "local";
    public const string S3 = "s3";

    /// <summary><c>local</c> (embedded default: files under <c>{DataDirectory}/blobs</c>) or <c>s3</c>.</summary>
    public string Provider { get; set; } = Local;

    /// <summary>The S3-compatible endpoint (MinIO, Ceph, R2, …), e.g. <c>http://127.0.0.1:9000</c>. Empty: AWS S3 itself.</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>The AWS region (required for AWS); with <see cref="ServiceUrl"/> the signing region, <c>us-east-1</c> when empty.</summary>
    public string Region { get; set; } = "";

    public string Bucket { get; set; } = "";

    /// <summary>Access key id. Empty together with <see cref="SecretKey"/>: the AWS default credential chain (environment, profile, instance role).</summary>
    public string AccessKey { get; set; } = "";

    /// <summary>Never logged or echoed in error messages.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Bucket in the path (<c>host/bucket/key</c>) rather than in the host name; most S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Put before every key (e.g. <c>airwave</c> stores <c>media/x.mp3</c> as <c>airwave/media/x.mp3</c>), to share a bucket.</summary>
    public string Prefix { get; set; } = "";

    public bool IsS3 => string.Equals(Provider.Trim(), S3, StringComparison.OrdinalIgnoreCase);

    /// <summary>The key prefix in its stored form: empty, or segments ending in one '/'.</summary>
    public string NormalizedPrefix => Prefix.Trim().Trim('/') is { Length: > 0 } prefix ? prefix + "/" : "";

    /// <summary>Describes the settings without the secret, for logs and diagnostics.</summary>
    public override string ToString() => IsS3
        ? $"s3 bucket '{Bucket}' at {(ServiceUrl.Length > 0 ? ServiceUrl : "AWS")} (region '{Region}', path style {ForcePathStyle}, prefix '{NormalizedPrefix}', access key {(AccessKey.Length > 0 ? "set" : "from the AWS default chain")})"
        : Provider;
}

/// <summary>Checks the <c>Storage</c> section at start and names every problem at once, never echoing a secret.</summary>
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var provider = options.Provider.Trim();
        if (!string.Equals(provider, StorageOptions.Local, StringComparison.OrdinalIgnoreCase) && !options.IsS3)
        {
            return ValidateOptionsResult.Fail($"Storage:Provider must be 'local' or 's3' (it is '{provider}').");
        }

        if (!options.IsS3)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            problems.Add("Storage:Bucket is required with the s3 provider.");
        }
        else if (!BucketName().IsMatch(options.Bucket))
        {
            problems.Add($"Storage:Bucket '{options.Bucket}' is not a valid bucket name: 3 to 63 lower-case letters, digits, '.' and '-', " +
                "starting and ending with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            if (string.IsNullOrWhiteSpace(options.Region))
            {
                problems.Add("Storage:Region is required when Storage:ServiceUrl is empty (AWS S3), e.g. 'eu-central-1'.");
            }
        }
        else if (!Uri.TryCreate(options.ServiceUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problems.Add("Storage:ServiceUrl must be an absolute http:// or https:// URL such as 'http://127.0.0.1:9000', or empty for AWS S3.");
        }
        else if (url.UserInfo.Length > 0)
        {
            problems.Add("Storage:ServiceUrl must not carry credentials; set Storage:AccessKey and Storage:SecretKey instead.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessKey) != string.IsNullOrWhiteSpace(options.SecretKey))
        {
            problems.Add("Storage:AccessKey and Storage:SecretKey must be set together (or both left empty to use the AWS default credential chain).");
        }

        var prefix = options.Prefix.Trim().Trim('/');
        if (prefix.Length > 0 && (BlobKey.Problem(prefix) is not null || prefix.Length > 256))
        {
            problems.Add($"Storage:Prefix '{options.Prefix}' must be at most 256 characters of ASCII letters, digits, '/', '.', '_' and '-', " +
                "without '//', '.' or '..' segments.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex BucketName();
}
