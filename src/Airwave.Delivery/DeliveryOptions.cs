using System.Globalization;

namespace Airwave.Delivery;

/// <summary>How media reaches listeners and how requests for it are logged; bound from the <c>Delivery</c> section.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// The HMAC-SHA256 key media URLs are signed with (the nginx edge holds the same). Empty: URLs are not signed.
    /// A secret: never logged and left out of <see cref="ToString"/>.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>The origin answers 403 to media URLs without a valid signature (covers excepted).</summary>
    public bool RequireSignedUrls { get; set; }

    /// <summary>How long a redirect's signed URL (origin, CDN or pre-signed storage) stays valid.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>When set (e.g. https://cdn.example.com), redirects point there, with the same signed path, instead of at this server.</summary>
    public string CdnBaseUrl { get; set; } = "";

    /// <summary>With S3-compatible storage, redirect to a pre-signed URL of the object rather than streaming it through the origin.</summary>
    public bool RedirectToStorage { get; set; }

    /// <summary>Delivery log rows (with the raw client address) are deleted this long after the request.</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Rows written to the database at most this many at a time.</summary>
    public int LogBatchSize { get; set; } = 500;

    /// <summary>How long a logged request may wait in memory before its batch is written.</summary>
    public TimeSpan LogFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows waiting to be written at most; beyond it new rows are dropped (and counted) rather than slowing requests.</summary>
    public int LogQueueCapacity { get; set; } = 100_000;

    public bool SignsUrls => SigningKey.Length > 0;

    public string? CdnBase => string.IsNullOrWhiteSpace(CdnBaseUrl) ? null : CdnBaseUrl.Trim().TrimEnd('/');

    internal IEnumerable<string> Validate()
    {
        if (RequireSignedUrls && !SignsUrls)
        {
            yield return "Delivery:SigningKey is required when Delivery:RequireSignedUrls is true.";
        }

        if (SignsUrls && (SigningKey.Length < MinimumKeyLength || !SigningKey.All(IsKeyCharacter)))
        {
            // The key is not echoed: only its shape is described.
            yield return $"Delivery:SigningKey must be at least {MinimumKeyLength} characters of letters, digits and + / = _ - . ~ " +
                $"(for example the output of 'openssl rand -base64 48'); the one given has {SigningKey.Length} characters" +
                (SigningKey.All(IsKeyCharacter) ? "." : " and others.");
        }

        if (SignedUrlLifetime < TimeSpan.FromMinutes(1) || SignedUrlLifetime > TimeSpan.FromDays(7))
        {
            yield return $"Delivery:SignedUrlLifetime is {SignedUrlLifetime}; it must be between one minute and 7 days " +
                "(S3 pre-signed URLs live at most 7 days; write a day as 1.00:00:00).";
        }

        if (CdnBase is { } cdn && (!Uri.TryCreate(cdn, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0))
        {
            yield return $"Delivery:CdnBaseUrl '{CdnBaseUrl}' must be an absolute http or https URL without a query, e.g. https://cdn.example.com.";
        }

        if (LogRetention < TimeSpan.FromHours(1))
        {
            yield return $"Delivery:LogRetention is {LogRetention}; it must be at least one hour.";
        }

        if (LogBatchSize is < 1 or > 10_000)
        {
            yield return $"Delivery:LogBatchSize is {LogBatchSize.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and 10000.";
        }

        if (LogFlushInterval < TimeSpan.FromMilliseconds(10) || LogFlushInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"Delivery:LogFlushInterval is {LogFlushInterval}; it must be between 00:00:00.010 and 00:01:00.";
        }

        if (LogQueueCapacity < LogBatchSize)
        {
            yield return "Delivery:LogQueueCapacity must be at least Delivery:LogBatchSize.";
        }
    }

    /// <summary>The settings for a log line, without the signing key.</summary>
    public override string ToString() =>
        $"signed URLs {(SignsUrls ? RequireSignedUrls ? "required" : "issued" : "off")}, lifetime {SignedUrlLifetime}, " +
        $"CDN {CdnBase ?? "none"}, redirect to storage {RedirectToStorage}, log retention {LogRetention}";

    private static bool IsKeyCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-' or '.' or '~';
}
