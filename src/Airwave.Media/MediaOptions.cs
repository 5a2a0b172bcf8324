namespace Airwave.Media;

/// <summary>Upload and processing settings; bound from the <c>Media</c> configuration section.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Largest upload accepted, checked from Upload-Length before a byte is stored.</summary>
    public long MaxUploadBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Unfinished uploads are deleted this long after they were started.</summary>
    public TimeSpan UploadExpiration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Longest audio accepted.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Normalise loudness (two-pass EBU R128). Off: audio keeps its level and is only measured.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Integrated loudness target for stereo, in LUFS.</summary>
    public double StereoTargetLufs { get; set; } = -16;

    /// <summary>Integrated loudness target for mono, in LUFS (3 LU below stereo, as the AES recommends).</summary>
    public double MonoTargetLufs { get; set; } = -19;

    /// <summary>Highest true peak after normalisation, in dBTP.</summary>
    public double TruePeakLimit { get; set; } = -1;

    /// <summary>How long one ffmpeg run may take before it is stopped (and the job retried).</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many times a failing processing job runs before it is failed for good.</summary>
    public int MaxAttempts { get; set; } = 3;

    internal IEnumerable<string> Validate()
    {
        if (MaxUploadBytes < 1)
        {
            yield return "Media:MaxUploadBytes must be positive.";
        }

        // Direct uploads sign their part URLs for this long, and signed URLs live at most 7 days.
        if (UploadExpiration < TimeSpan.FromMinutes(1) || UploadExpiration > TimeSpan.FromDays(7))
        {
            yield return $"Media:UploadExpiration is {UploadExpiration}; it must be between one minute and 7 days (write a day as 1.00:00:00).";
        }

        if (TruePeakLimit is > 0 or < -9 || StereoTargetLufs is > -5 or < -70 || MonoTargetLufs is > -5 or < -70)
        {
            yield return "Media loudness targets are out of range (LUFS -70..-5, true peak -9..0 dBTP).";
        }

        if (MaxAttempts < 1)
        {
            yield return "Media:MaxAttempts must be at least 1.";
        }
    }
}
