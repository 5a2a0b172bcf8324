using Microsoft.Extensions.Options;

namespace Airwave.Delivery.Signing;

/// <summary>The signer for the configured key, made once; null when URLs are not signed.</summary>
internal sealed class UrlSigners(IOptions<DeliveryOptions> options)
{
    public UrlSigner? Signer { get; } = options.Value.SignsUrls ? new UrlSigner(options.Value.SigningKey) : null;
}
