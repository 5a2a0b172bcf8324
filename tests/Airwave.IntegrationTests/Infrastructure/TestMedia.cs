using System.Diagnostics;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>Media files made with the real ffmpeg for tests (generated, never checked in).</summary>
public static class TestMedia
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("airwave-media-").FullName;

    /// <summary>A speech-like tone: a few sine partials with tremolo, quieter than podcast level.</summary>
    public static Task<string> AudioAsync(string name, int seconds, int channels, string codecArguments = "-c:a pcm_s16le", int sampleRate = 48000) =>
        FfmpegAsync(name,
            "-f", "lavfi", "-i", $"sine=frequency=220:sample_rate={sampleRate}:duration={seconds}",
            "-f", "lavfi", "-i", $"sine=frequency=330:sample_rate={sampleRate}:duration={seconds}",
            "-filter_complex", $"[0][1]amix=inputs=2,tremolo=f=3:d=0.6,volume=0.25,aformat=channel_layouts={(channels == 1 ? "mono" : "stereo")}",
            codecArguments);

    public static async Task<string> Mp3WithChaptersAsync(string name, int seconds)
    {
        var chapters = Path.Combine(Folder, name + ".ffmeta");
        var half = seconds * 500;
        await File.WriteAllTextAsync(chapters,
            $";FFMETADATA1\ntitle=Source title\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND={half}\ntitle=Intro\n[CHAPTER]\nTIMEBASE=1/1000\nSTART={half}\nEND={seconds * 1000}\ntitle=Main\n");
        return await FfmpegAsync(name,
            "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=44100:duration={seconds}",
            "-i", chapters, "-map_metadata", "1", "-map_chapters", "1", "-c:a libmp3lame -b:a 192k");
    }

    /// <summary>A test-pattern picture of the given size; the extension of <paramref name="name"/> picks the format.</summary>
    public static Task<string> PictureAsync(string name, int width, int height) =>
        FfmpegAsync(name, "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}", "-frames:v", "1", "-f image2");

    /// <summary>Width and height of a picture, as ffprobe reads them.</summary>
    public static async Task<(int Width, int Height)> DimensionsAsync(byte[] picture)
    {
        var path = Path.Combine(Folder, $"probe-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, picture);
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = (await process.StandardOutput.ReadToEndAsync()).Trim().Split(',');
        await process.WaitForExitAsync();
        return (int.Parse(output[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(output[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static Task<string> SilenceAsync(string name, int seconds) =>
        FfmpegAsync(name, "-f", "lavfi", "-i", $"anullsrc=channel_layout=stereo:sample_rate=44100", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:a pcm_s16le");

    public static async Task<string> PngAsync(string name) =>
        await FfmpegAsync(name, "-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", "-f image2");

    public static async Task<string> TextAsAsync(string name)
    {
        var path = Path.Combine(Folder, name);
        await File.WriteAllTextAsync(path, string.Join('\n', Enumerable.Repeat("This is a text file pretending to be audio.", 200)));
        return path;
    }

    /// <summary>The first <paramref name="fraction"/> of a file, cut mid-frame.</summary>
    public static async Task<string> TruncatedAsync(string source, string name, double fraction)
    {
        var bytes = await File.ReadAllBytesAsync(source);
        var path = Path.Combine(Folder, name);
        await File.WriteAllBytesAsync(path, bytes[..((int)(bytes.Length * fraction) | 1)]);
        return path;
    }

    /// <summary>A WAV header that promises minutes of audio, followed by text.</summary>
    public static async Task<string> LyingHeaderAsync(string name)
    {
        var wav = await AudioAsync(name + ".src.wav", 1, 1);
        var header = (await File.ReadAllBytesAsync(wav))[..44];
        var path = Path.Combine(Folder, name);
        await File.WriteAllBytesAsync(path, [.. header, .. System.Text.Encoding.ASCII.GetBytes(new string('#', 2000))]);
        // Overwrite the sample format with one no decoder knows, so the body cannot pass as PCM noise.
        await using var file = File.OpenWrite(path);
        file.Position = 20;
        file.Write([0x34, 0x12]);
        return path;
    }

    public static string EmptyFile(string name)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, []);
        return path;
    }

    private static async Task<string> FfmpegAsync(string name, params string[] arguments)
    {
        var path = Path.Combine(Folder, name);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-v", "error", "-y" }.Concat(arguments.SelectMany(a => a.StartsWith('-') && a.Contains(' ') ? a.Split(' ') : [a])))
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, errors);
        return path;
    }

    /// <summary>Integrated loudness and true peak of a file, measured independently with ffmpeg's ebur128 filter.</summary>
    public static async Task<(double Integrated, double TruePeak)> MeasureAsync(string path)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var summary = output[output.LastIndexOf("Summary:", StringComparison.Ordinal)..];
        double Value(string label)
        {
            var line = summary.Split('\n').First(l => l.TrimStart().StartsWith(label, StringComparison.Ordinal));
            var number = line.Split(':')[1].Trim().Split(' ')[0];
            return double.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
        }

        return (Value("I:"), Value("Peak:"));
    }
}
