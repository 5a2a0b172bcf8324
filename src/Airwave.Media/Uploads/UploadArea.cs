namespace Airwave.Media.Uploads;

/// <summary>
/// Where unfinished uploads grow: <c>{DataDirectory}/uploads/{id}.part</c>, appended to by PATCH requests. A
/// finished upload moves into the blob store. In scale-out mode this folder must be shared by the API instances
/// (or uploads go direct to S3 with pre-signed URLs).
/// </summary>
internal sealed class UploadArea(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(Guid uploadId)
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, $"{uploadId:N}.part");
    }
}
