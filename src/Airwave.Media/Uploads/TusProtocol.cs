using System.Globalization;

namespace Airwave.Media.Uploads;

/// <summary>
/// The tus 1.0.0 resumable upload protocol (https://tus.io/protocols/resumable-upload): header names, the
/// extensions Airwave implements, and the Upload-Metadata format. Written here because no .NET tus server
/// package can be restored in this environment (tusdotnet is not on the mirror).
/// </summary>
internal static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,termination,checksum,expiration";
    public const string ChecksumAlgorithms = "sha1";
    public const string OffsetContentType = "application/offset+octet-stream";

    /// <summary>Status tus defines for a chunk whose Upload-Checksum does not match.</summary>
    public const int ChecksumMismatch = 460;

    public const string Resumable = "Tus-Resumable";
    public const string UploadLength = "Upload-Length";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadChecksum = "Upload-Checksum";

    /// <summary>Upload-Expires is an RFC 7231 date.</summary>
    public static string FormatExpires(DateTimeOffset expires) => expires.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A non-negative integer header value, or null.</summary>
    public static long? ParseLength(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;

    /// <summary>Reads "sha1 &lt;base64&gt;"; the algorithm (lower case) and digest, or null when malformed.</summary>
    public static (string Algorithm, byte[] Digest)? ParseChecksum(string? header)
    {
        var parts = header?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not { Length: 2 })
        {
            return null;
        }

        try
        {
            return (parts[0].ToLowerInvariant(), Convert.FromBase64String(parts[1]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
