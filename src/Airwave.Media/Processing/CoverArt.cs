using System.Security.Cryptography;
using Airwave.Core.Jobs;
using Airwave.Core.Processes;
using Airwave.Core.Storage;
using Airwave.Media.Contracts;
using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.Media.Processing;

/// <summary>
/// Cover art: a JPEG or PNG (recognised by content), at least 1400 px on its shorter side as Apple Podcasts
/// requires, cropped to a centred square when it is not one, and rendered with ffmpeg to the sizes apps and pages
/// use. The renders are stored under <c>covers/{sha256 of the source}/{size}.jpg</c>, so the same picture always
/// yields the same keys and they can be cached forever.
/// </summary>
internal sealed class CoverArt(IBlobStore blobs)
{
    public const int MinimumSide = 1400;
    public const long MaxBytes = 20 * 1024 * 1024;

    /// <summary>The stored set, or why the picture was refused.</summary>
    public sealed record Result(string? SetKey, bool Cropped, int? Width, int? Height, string? Problem);

    public async Task<Result> StoreAsync(Stream picture, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("airwave-cover-").FullName;
        try
        {
            var source = Path.Combine(work, "source");
            await using (var file = File.Create(source))
            {
                await picture.CopyToAsync(file, cancellationToken);
            }

            var length = new FileInfo(source).Length;
            if (length == 0)
            {
                return Refused("The picture is empty (0 bytes).");
            }

            FfprobeReport probe;
            try
            {
                probe = await PodcastAudioPipeline.ProbeAsync(source, cancellationToken);
            }
            catch (PermanentJobFailureException)
            {
                return Refused("The file is not a picture Airwave can read. Upload a JPEG or PNG.");
            }

            var image = probe.Streams.FirstOrDefault(s => s.CodecType == "video");
            if (image is null || image.CodecName is not ("mjpeg" or "png") || probe.AudioStream is not null || image.Width is null || image.Height is null)
            {
                return Refused("The cover must be a JPEG or PNG picture.");
            }

            var (width, height) = (image.Width.Value, image.Height.Value);
            if (Math.Min(width, height) < MinimumSide)
            {
                return new Result(null, false, width, height,
                    $"The picture is {width}×{height} px; covers must be at least {MinimumSide}×{MinimumSide} px (Apple Podcasts' minimum), ideally 3000×3000.");
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(source, cancellationToken)));
            var setKey = $"covers/{hash}";
            var outputs = CoverImages.Sizes.Select(size => Path.Combine(work, $"{size}.jpg")).ToList();
            var result = await ProcessRunner.RunAsync("ffmpeg", RenderArguments(source, outputs), TimeSpan.FromMinutes(2),
                cancellationToken: cancellationToken);
            if (!result.Succeeded)
            {
                return Refused($"The picture could not be converted ({result.ErrorTail(1)}).");
            }

            for (var i = 0; i < CoverImages.Sizes.Count; i++)
            {
                await blobs.ImportFileAsync(CoverImages.KeyOf(setKey, CoverImages.Sizes[i]), outputs[i], "image/jpeg", cancellationToken);
            }

            return new Result(setKey, width != height, width, height, null);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static List<string> RenderArguments(string source, IReadOnlyList<string> outputs)
    {
        var labels = string.Concat(CoverImages.Sizes.Select((_, i) => $"[s{i}]"));
        var scales = string.Join(';', CoverImages.Sizes.Select((size, i) => $"[s{i}]scale={size}:{size}:flags=lanczos,setsar=1[o{i}]"));
        var arguments = new List<string>
        {
            "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", source,
            "-filter_complex", $"[0:v:0]crop='min(iw,ih)':'min(iw,ih)',format=yuvj420p,split={CoverImages.Sizes.Count}{labels};{scales}",
        };
        for (var i = 0; i < outputs.Count; i++)
        {
            arguments.AddRange(["-map", $"[o{i}]", "-map_metadata", "-1", "-frames:v", "1", "-q:v", "2", "-f", "image2", outputs[i]]);
        }

        return arguments;
    }

    private static Result Refused(string problem) => new(null, false, null, null, problem);
}
