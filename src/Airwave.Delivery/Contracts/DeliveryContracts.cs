using Airwave.Delivery.Log;

namespace Airwave.Delivery.Contracts;

/// <summary>A stored file someone is to be sent to, and what it is, for the redirect and the delivery log.</summary>
/// <param name="BlobKey">The content-addressed blob key, e.g. <c>media/{sha256}.mp3</c>.</param>
/// <param name="ContentType">The media type the listener should get (S3 answers with it on pre-signed URLs).</param>
/// <param name="Rendition">Which file of the asset: <c>mp3</c>, <c>aac</c>, …</param>
/// <param name="EpisodeId">The episode the file is delivered for.</param>
public sealed record DeliveryTarget(string BlobKey, string ContentType, string Rendition, Guid EpisodeId);

/// <summary>What owning modules (Catalog today) may ask of Delivery.</summary>
public interface IMediaDelivery
{
    /// <summary>
    /// The absolute URL a listener should be redirected to for <paramref name="target"/>: a pre-signed storage URL
    /// (S3 with <c>Delivery:RedirectToStorage</c>), otherwise the file on the media origin, or on the CDN in front of
    /// it (<c>Delivery:CdnBaseUrl</c>), signed when a signing key is set. It also records the target in the delivery
    /// log row of <paramref name="context"/> when the endpoint is logged (<see cref="DeliveryLogEndpoints.WithDeliveryLog{TBuilder}"/>).
    /// </summary>
    Task<string> GetRedirectTargetAsync(HttpContext context, DeliveryTarget target, CancellationToken cancellationToken);
}

/// <summary>
/// Files the media origin must refuse with 410 Gone: taken-down content (ADR 0018). The owning module (Catalog) knows
/// what is taken down and implements this; without it nothing is withheld.
/// </summary>
public interface IWithheldMedia
{
    /// <summary>True when the stored file <paramref name="blobKey"/> (e.g. <c>media/{sha256}.mp3</c>) may not be delivered.</summary>
    Task<bool> IsWithheldAsync(string blobKey, CancellationToken cancellationToken);
}

/// <summary>Marks endpoints whose requests go into the delivery log.</summary>
public static class DeliveryLogEndpoints
{
    /// <summary>
    /// Logs every request to this endpoint (whatever its answer: 302, 404, …) as a <c>redirect</c> row of the
    /// delivery log, with the bytes actually sent measured after the response ends.
    /// </summary>
    /// <param name="episodeRouteValue">A route value holding the episode id, logged even when the answer is 404.</param>
    public static TBuilder WithDeliveryLog<TBuilder>(this TBuilder builder, string? episodeRouteValue = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new DeliveryLogMetadata(DeliveryLogKinds.Redirect, episodeRouteValue));
        return builder;
    }
}
