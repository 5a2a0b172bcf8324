using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.UnitTests.Media;

public sealed class FfprobeReportTests
{
    private static FfprobeReport Probe(string name) => FfprobeReport.Parse(Fixture.Text($"ffprobe/{name}.json"));

    [Fact]
    public void Parse_Mp3WithTagsAndCover_ReadsFormatAudioTagsAndCover()
    {
        var report = Probe("stereo_cover_mp3");

        report.Duration.ShouldBe(TimeSpan.FromTicks(30_302_040));
        report.FormatNames.ShouldBe(["mp3"]);
        report.BitRate.ShouldBe(131_412);
        report.SizeBytes.ShouldBe(49_776);
        report.ProbeScore.ShouldBe(51);
        report.Chapters.ShouldBeEmpty();

        var audio = report.AudioStream.ShouldNotBeNull();
        audio.Index.ShouldBe(0);
        audio.CodecName.ShouldBe("mp3");
        audio.SampleRate.ShouldBe(44_100);
        audio.Channels.ShouldBe(2);
        audio.ChannelLayout.ShouldBe("stereo");
        audio.BitRate.ShouldBe(128_000);
        audio.Duration.ShouldBe(TimeSpan.FromTicks(30_302_040));
        audio.IsAttachedPicture.ShouldBeFalse();

        report.HasCoverArt.ShouldBeTrue();
        var cover = report.Streams.Single(s => s.IsCoverArt);
        cover.Index.ShouldBe(1);
        cover.CodecType.ShouldBe("video");
        cover.CodecName.ShouldBe("png");
        (cover.Width, cover.Height).ShouldBe((64, 64));
        cover.Tags.Comment.ShouldBe("Cover (front)");

        report.Tags.Title.ShouldBe("Test Episode: Ünïcode & \"quotes\"");
        report.Tags.Artist.ShouldBe("Airwave Tester");
        report.Tags.Album.ShouldBe("Fixture Album");
        report.Tags.AlbumArtist.ShouldBe("The Show");
        report.Tags.Date.ShouldBe("2024");
        report.Tags.Genre.ShouldBe("Podcast");
        report.Tags.Comment.ShouldBe("Recorded by ffmpeg lavfi");
        report.Tags.Track.ShouldBe("7/12");
        report.Tags.TrackNumber.ShouldBe(7);
    }

    [Fact]
    public void Parse_CoverStreamTags_DoNotLeakIntoFileTags()
    {
        var report = Probe("stereo_cover_mp3");

        report.Streams.Single(s => s.IsCoverArt).Tags.Title.ShouldBe("Album cover");
        report.Tags.Title.ShouldNotBe("Album cover");
    }

    [Fact]
    public void Parse_MonoMp3Id3v24_ReadsMonoStreamWithoutCover()
    {
        var report = Probe("mono_id3v24_mp3");

        var audio = report.AudioStream.ShouldNotBeNull();
        (audio.SampleRate, audio.Channels, audio.ChannelLayout, audio.BitRate).ShouldBe((22_050, 1, "mono", 64_000L));
        report.HasCoverArt.ShouldBeFalse();
        report.Streams.Count.ShouldBe(1);
        report.Tags.Title.ShouldBe("Mono");
        report.Tags.Album.ShouldBeNull();
    }

    [Fact]
    public void Parse_M4aWithChapters_ReadsChaptersAndSkipsTheChapterTextTrack()
    {
        var report = Probe("chapters_m4a");

        report.FormatNames.ShouldBe(["mov", "mp4", "m4a", "3gp", "3g2", "mj2"]);
        report.Duration.ShouldBe(TimeSpan.FromSeconds(4));
        report.Chapters.ShouldBe([
            new FfprobeChapter(TimeSpan.Zero, TimeSpan.FromSeconds(1), "Intro"),
            new FfprobeChapter(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), "Main: the interview"),
            new FfprobeChapter(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), null),
        ]);
        // MP4 chapters are stored as a text track, which ffprobe lists as a data stream.
        report.Streams.Select(s => s.CodecType).ShouldBe(["audio", "data"]);
        report.AudioStream.ShouldNotBeNull().CodecName.ShouldBe("aac");
        report.HasCoverArt.ShouldBeFalse();
        report.Tags.Title.ShouldBe("Episode With Chapters");
    }

    [Fact]
    public void Parse_Mp3WithChapters_ReadsId3Chapters()
    {
        var report = Probe("chapters_mp3");

        report.Chapters.Select(c => (c.Start.TotalSeconds, c.End.TotalSeconds)).ShouldBe([(0d, 1d), (1d, 3d), (3d, 4d)]);
        // The ID3 muxer names an untitled chapter after its element id.
        report.Chapters.Select(c => c.Title).ShouldBe(["Intro", "Main: the interview", "ch2"]);
    }

    [Fact]
    public void Parse_M4aWithCover_HasCoverArt()
    {
        var report = Probe("cover_m4a");

        report.HasCoverArt.ShouldBeTrue();
        report.AudioStream.ShouldNotBeNull().ChannelLayout.ShouldBe("mono");
        report.Tags.Genre.ShouldBe("Talk");
    }

    [Fact]
    public void Parse_MonoWav_MissingChannelLayoutIsNull()
    {
        var report = Probe("mono_wav");

        var audio = report.AudioStream.ShouldNotBeNull();
        audio.CodecName.ShouldBe("pcm_s16le");
        audio.Channels.ShouldBe(1);
        audio.ChannelLayout.ShouldBeNull();
        audio.Tags.All.ShouldBeEmpty();
        report.Duration.ShouldBe(TimeSpan.FromSeconds(1.5));
        report.Tags.Title.ShouldBe("Wave title");
    }

    [Fact]
    public void Parse_FlacUpperCaseVorbisComments_ReadsTagsCaseInsensitively()
    {
        var report = Probe("stereo_flac");

        report.Tags.All.Keys.ShouldContain("TITLE");
        report.Tags.Title.ShouldBe("Flac Upper");
        report.Tags.Artist.ShouldBe("Vorbis Comment");
        report.Tags.Date.ShouldBe("2023-05-01");
        report.Tags.TrackNumber.ShouldBe(3);
        report.Tags.All["title"].ShouldBe("Flac Upper");
        report.AudioStream.ShouldNotBeNull().BitRate.ShouldBeNull();
        report.BitRate.ShouldNotBeNull().ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Parse_OpusWithTagsOnTheStream_TakesTagsFromTheAudioStream()
    {
        var report = Probe("stereo_opus");

        report.FormatNames.ShouldBe(["ogg"]);
        report.AudioStream.ShouldNotBeNull().CodecName.ShouldBe("opus");
        report.Tags.Title.ShouldBe("Opus title");
        report.Tags.Artist.ShouldBe("Opus artist");
        report.Duration.ShouldBe(TimeSpan.FromTicks(20_065_000));
    }

    [Fact]
    public void Parse_OggFromPipe_DurationAndSizeAreNull()
    {
        var report = Probe("stereo_opus_pipe");

        report.Duration.ShouldBeNull();
        report.SizeBytes.ShouldBeNull();
        report.BitRate.ShouldBeNull();
        report.AudioStream.ShouldNotBeNull().SampleRate.ShouldBe(48_000);
    }

    [Fact]
    public void Parse_OptionalFieldsPrintedAsNotAvailable_ReadAsNull()
    {
        var json = Fixture.Text("ffprobe/stereo_opus_pipe_optional_fields.json");
        json.ShouldContain("\"duration\": \"N/A\"");

        var report = FfprobeReport.Parse(json);

        report.Duration.ShouldBeNull();
        report.SizeBytes.ShouldBeNull();
        report.BitRate.ShouldBeNull();
        var audio = report.AudioStream.ShouldNotBeNull();
        audio.Duration.ShouldBeNull();
        audio.BitRate.ShouldBeNull();
        (audio.SampleRate, audio.Channels).ShouldBe((48_000, 2));
    }

    [Fact]
    public void Parse_PngImage_HasNoAudioAndIsNotCoverArt()
    {
        var report = Probe("cover_png");

        report.AudioStream.ShouldBeNull();
        report.HasCoverArt.ShouldBeFalse();
        report.Duration.ShouldBeNull();
        report.FormatNames.ShouldBe(["png_pipe"]);
        report.Streams.Single().CodecName.ShouldBe("png");
    }

    [Fact]
    public void Parse_TruncatedMp3_ReportsTheDurationItsHeaderPromised()
    {
        var report = Probe("truncated_mp3");

        // 20 000 bytes of 128 kb/s audio last 1.25 s, but ffprobe trusts the LAME header's frame count: only a
        // decode finds the real length.
        report.SizeBytes.ShouldBe(20_000);
        report.AudioStream.ShouldNotBeNull().BitRate.ShouldBe(128_000);
        report.Duration.ShouldNotBeNull().TotalSeconds.ShouldBeGreaterThan(5);
    }

    [Theory]
    [InlineData("text_mp3", "text.mp3: Invalid argument")]
    [InlineData("empty_mp3", "empty.mp3: Invalid argument")]
    [InlineData("missing_mp3", "missing.mp3: No such file or directory")]
    public void Parse_FailedProbe_EmptyObjectGivesEmptyReport(string name, string reason)
    {
        Fixture.Text($"ffprobe/{name}.exitcode").Trim().ShouldBe("1");
        Fixture.Lines($"ffprobe/{name}.stderr").Last(l => l.Length > 0).ShouldBe(reason);

        var report = Probe(name);

        report.Streams.ShouldBeEmpty();
        report.Chapters.ShouldBeEmpty();
        report.AudioStream.ShouldBeNull();
        report.Duration.ShouldBeNull();
        report.FormatNames.ShouldBeEmpty();
        report.Tags.All.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_NoFormatDuration_FallsBackToTheAudioStream()
    {
        var report = FfprobeReport.Parse("""
            {
              "streams": [
                { "index": 0, "codec_type": "video", "duration": "9.0", "disposition": { "attached_pic": 1 } },
                { "index": 1, "codec_type": "audio", "duration": "12.345678" }
              ],
              "format": { "format_name": "matroska,webm", "duration": "N/A" }
            }
            """);

        report.Duration.ShouldBe(TimeSpan.FromTicks(123_456_780));
        report.AudioStream.ShouldNotBeNull().Index.ShouldBe(1);
    }

    [Fact]
    public void Parse_NumbersAsJsonNumbersOrStrings_ReadsBoth()
    {
        var report = FfprobeReport.Parse("""
            {
              "streams": [ { "codec_type": "audio", "sample_rate": 44100, "channels": "2", "bit_rate": 96000, "duration": 61.5,
                             "tags": { "track": 4 } } ],
              "format": { "size": 1024, "bit_rate": "96100", "duration": "61.500000" }
            }
            """);

        var audio = report.AudioStream.ShouldNotBeNull();
        (audio.SampleRate, audio.Channels, audio.BitRate).ShouldBe((44_100, 2, 96_000L));
        audio.Duration.ShouldBe(TimeSpan.FromSeconds(61.5));
        audio.Index.ShouldBe(0);
        (report.SizeBytes, report.BitRate).ShouldBe((1024L, 96_100L));
        report.Tags.TrackNumber.ShouldBe(4);
    }

    [Fact]
    public void Parse_ChapterWithOnlyTimeBaseUnits_ScalesThem()
    {
        var report = FfprobeReport.Parse("""
            { "chapters": [
                { "time_base": "1/10000000", "start": 30000000, "end": 40000000, "tags": { "TITLE": "Outro" } },
                { "time_base": "N/A", "start": 1, "end": 2 },
                { "start_time": "5.0" }
            ] }
            """);

        report.Chapters.ShouldBe([new FfprobeChapter(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), "Outro")]);
    }

    [Fact]
    public void Parse_OddValues_ReadAsMissingWithoutThrowing()
    {
        var report = FfprobeReport.Parse("""
            {
              "streams": [ 1, "x", null,
                { "index": "N/A", "codec_type": "audio", "sample_rate": "fast", "channels": 2.5, "duration": "-0.5",
                  "bit_rate": "", "disposition": "yes", "tags": [ "title" ] },
                { "codec_type": "video", "disposition": { "attached_pic": "N/A" }, "tags": { "title": { "nested": 1 } } } ],
              "chapters": { "not": "an array" },
              "format": { "duration": "1e400", "size": "12abc", "format_name": "", "tags": { "title": "  ", "TITLE": "second" } }
            }
            """);

        report.Streams.Count.ShouldBe(2);
        var audio = report.AudioStream.ShouldNotBeNull();
        audio.Index.ShouldBe(0);
        audio.SampleRate.ShouldBeNull();
        audio.Channels.ShouldBeNull();
        audio.Duration.ShouldBeNull();
        audio.BitRate.ShouldBeNull();
        audio.Tags.All.ShouldBeEmpty();
        report.HasCoverArt.ShouldBeFalse();
        report.Chapters.ShouldBeEmpty();
        report.Duration.ShouldBeNull();
        report.SizeBytes.ShouldBeNull();
        report.FormatNames.ShouldBeEmpty();
        // Keys differing only in case: the first one written wins, and a blank value is no value.
        report.Tags.Title.ShouldBeNull();
    }

    [Fact]
    public void Parse_FormatTagBlank_TakesTheAudioStreamsValue()
    {
        var report = FfprobeReport.Parse("""
            { "streams": [ { "codec_type": "audio", "tags": { "TITLE": "From stream", "genre": "Stream genre" } } ],
              "format": { "tags": { "title": "", "genre": "Format genre" } } }
            """);

        report.Tags.Title.ShouldBe("From stream");
        report.Tags.Genre.ShouldBe("Format genre");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("{\"streams\": [")]
    [InlineData("{\"format\": {}} trailing")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("42")]
    public void Parse_NotAJsonObject_ThrowsFormatException(string text) =>
        Should.Throw<FormatException>(() => FfprobeReport.Parse(text)).Message.ShouldStartWith("ffprobe output");
}
