namespace Airwave.Core.Http;

/// <summary>
/// Endpoint metadata: the endpoint's <c>200</c> answers carry a strong <c>ETag</c>, and with <paramref name="IfMatch"/>
/// it honours <c>If-Match</c> (<c>412</c> when the tag is not current). The OpenAPI description reads it.
/// </summary>
public sealed record EntityTagMetadata(bool IfMatch);
