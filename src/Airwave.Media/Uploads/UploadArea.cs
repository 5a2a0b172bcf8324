namespace Airwave.Media.Uploads;

/// <summary>
/// <c>{DataDirectory}/uploads</c>: where a PATCH body is staged while it arrives, before it is stored as a chunk in
/// the blob store (ADR 0020). Nothing here outlives its request, so the API instances share nothing on disk; a file a
/// crash leaves behind is deleted by the expiry run. Earlier versions kept whole partial uploads here as
/// <c>{id}.part</c>; those are taken over as a first chunk when their upload continues.
/// </summary>
internal sealed class UploadArea(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>A new, unique file for one request's bytes.</summary>
    public string StagingPath(Guid uploadId)
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, $"{uploadId:N}.{Guid.NewGuid():N}.chunk");
    }

    /// <summary>Where an earlier version kept the upload's partial file.</summary>
    public string LegacyPathOf(Guid uploadId) => Path.Combine(Root, $"{uploadId:N}.part");

    /// <summary>Deletes staged chunks last written before <paramref name="before"/> (their request ended long ago).</summary>
    public void DeleteStaleStaging(DateTime before)
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(Root, "*.chunk"))
        {
            if (File.GetLastWriteTimeUtc(file) < before)
            {
                File.Delete(file);
            }
        }
    }
}
