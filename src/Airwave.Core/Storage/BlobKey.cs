namespace Airwave.Core.Storage;

/// <summary>
/// What a blob key may be, the same for every store: segments of ASCII letters, digits, '.', '_' and '-'
/// separated by single '/', no '.' or '..' segment, each segment at most <see cref="MaxSegmentLength"/> and the
/// whole key at most <see cref="MaxLength"/> characters. Such a key is a safe relative path on any disk (a segment
/// stays a valid file name, 255 bytes on common file systems, even with the local store's temporary suffix), and
/// needs no escaping in an S3 object key, a signed URL or a CDN's cache key.
/// </summary>
public static class BlobKey
{
    public const int MaxLength = 512;
    public const int MaxSegmentLength = 200;

    /// <summary>The longest a read URL may live: S3 signatures (SigV4) are valid for seven days at most.</summary>
    public static readonly TimeSpan MaxReadUrlLifetime = TimeSpan.FromDays(7);

    /// <summary>Why <paramref name="key"/> is not a valid key, or null when it is.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "it is empty";
        }

        if (key.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-'))
            {
                return "only ASCII letters, digits, '/', '.', '_' and '-' are allowed";
            }
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it starts or ends with '/' or has '//'";
            }

            if (segment is "." or "..")
            {
                return "it has a '.' or '..' segment";
            }

            if (segment.Length > MaxSegmentLength)
            {
                return $"a segment between '/' is longer than {MaxSegmentLength} characters";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the reason when <paramref name="key"/> is not valid.</summary>
    public static void Validate(string? key)
    {
        if (Problem(key) is { } problem)
        {
            throw new ArgumentException($"'{key}' is not a valid blob key: {problem}.", nameof(key));
        }
    }

    public static void ValidateReadUrlLifetime(TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxReadUrlLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime,
                $"A read URL must live more than zero and at most {MaxReadUrlLifetime.TotalDays} days.");
        }
    }
}
