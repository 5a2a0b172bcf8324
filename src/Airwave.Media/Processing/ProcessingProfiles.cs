namespace Airwave.Media.Processing;

/// <summary>Which list of steps turns a subject's upload into what it needs. Podcast audio is the first profile.</summary>
internal static class ProcessingProfiles
{
    public const string PodcastAudio = "podcast-audio";

    public static string For(string subjectKind) => subjectKind switch
    {
        Contracts.MediaSubjects.Episode => PodcastAudio,
        _ => throw new ArgumentOutOfRangeException(nameof(subjectKind), subjectKind, "No processing profile for this kind of media."),
    };
}
