using Airwave.Core.Storage;
using Airwave.Delivery.Contracts;
using Airwave.Delivery.Log;
using Airwave.Delivery.Signing;
using Microsoft.Extensions.Options;

namespace Airwave.Delivery.Features;

/// <summary>
/// Decides where a listener is sent for a file, in this order: a pre-signed URL of the object in S3-compatible
/// storage (with <see cref="DeliveryOptions.RedirectToStorage"/>; the bytes then never pass through Airwave), the CDN
/// in front of the origin (<see cref="DeliveryOptions.CdnBaseUrl"/>), or the origin itself. Origin and CDN URLs carry
/// the same path and, with a signing key, the same signature, valid for <see cref="DeliveryOptions.SignedUrlLifetime"/>.
/// </summary>
internal sealed class MediaRedirects(IBlobStore blobs, UrlSigners signers, IOptions<DeliveryOptions> options, PublicUrls urls,
    TimeProvider clock) : IMediaDelivery
{
    public async Task<string> GetRedirectTargetAsync(HttpContext context, DeliveryTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        var settings = options.Value;
        var log = context.Features.Get<DeliveryLogFeature>();
        if (log is not null)
        {
            log.EpisodeId = target.EpisodeId;
            log.BlobKey = target.BlobKey;
            log.Rendition = target.Rendition;
        }

        if (settings.RedirectToStorage
            && await blobs.GetReadUrlAsync(target.BlobKey, settings.SignedUrlLifetime, target.ContentType, cancellationToken) is { } storage)
        {
            log?.RedirectTarget = RedirectTargets.Storage;
            return storage.OriginalString;
        }

        var path = MediaOrigin.PathOf(target.BlobKey);
        if (signers.Signer is { } signer)
        {
            path = signer.Sign(path, clock.GetUtcNow() + settings.SignedUrlLifetime);
        }

        if (settings.CdnBase is { } cdn)
        {
            log?.RedirectTarget = RedirectTargets.Cdn;
            return cdn + path;
        }

        log?.RedirectTarget = RedirectTargets.Origin;
        return urls.Absolute(context.Request, path);
    }
}
