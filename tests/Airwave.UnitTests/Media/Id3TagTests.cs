using System.Globalization;
using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.UnitTests.Media;

public sealed class Id3TagTests
{
    private static byte[] Header(byte major, byte flags, params byte[] size) =>
        [(byte)'I', (byte)'D', (byte)'3', major, 0, flags, .. size];

    private static byte[] Hex(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [InlineData("id3/mono_id3v24_mp3.txt", 80)]
    [InlineData("id3/stereo_cover_id3v23_mp3.txt", 876)]
    public void HeaderLength_HeaderOfAnMp3FfmpegWrote_EndsWhereFfmpegFindsTheFirstAudioFrame(string fixture, int expected)
    {
        var values = Fixture.Lines(fixture)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        var audioOffset = int.Parse(values["audio_offset"], CultureInfo.InvariantCulture);
        var audio = Hex(values["audio"]);

        Id3Tag.HeaderLength(Hex(values["header"])).ShouldBe(audioOffset);
        audioOffset.ShouldBe(expected);
        // An MPEG audio frame header starts with 11 set bits.
        audio[0].ShouldBe((byte)0xFF);
        (audio[1] & 0xE0).ShouldBe(0xE0);
    }

    [Theory]
    [InlineData(4, 0x00, 0x00, 0x00, 0x00, 0x00, 10)]
    [InlineData(4, 0x00, 0x00, 0x00, 0x00, 0x46, 80)]
    [InlineData(3, 0x00, 0x00, 0x00, 0x06, 0x62, 876)]
    [InlineData(4, 0x00, 0x00, 0x00, 0x02, 0x01, 267)]
    [InlineData(4, 0x00, 0x01, 0x00, 0x00, 0x00, 10 + (1 << 21))]
    [InlineData(4, 0x00, 0x7F, 0x7F, 0x7F, 0x7F, 10 + (1 << 28) - 1)]
    [InlineData(4, 0x10, 0x00, 0x00, 0x02, 0x01, 277)]
    [InlineData(4, 0x10, 0x7F, 0x7F, 0x7F, 0x7F, 20 + (1 << 28) - 1)]
    [InlineData(3, 0x80, 0x00, 0x00, 0x00, 0x10, 26)]
    [InlineData(2, 0x00, 0x00, 0x00, 0x01, 0x00, 138)]
    public void HeaderLength_ValidHeader_IsHeaderPlusSyncsafeSizePlusFooter(
        byte major, byte flags, byte s0, byte s1, byte s2, byte s3, int expected) =>
        Id3Tag.HeaderLength(Header(major, flags, s0, s1, s2, s3)).ShouldBe(expected);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void HeaderLength_SizeByteWithHighBitSet_IsZero(int position)
    {
        var header = Header(4, 0, 0, 0, 0, 0);
        header[6 + position] = 0x80;

        Id3Tag.HeaderLength(header).ShouldBe(0);
    }

    [Fact]
    public void HeaderLength_VersionByteFF_IsZero()
    {
        Id3Tag.HeaderLength(Header(0xFF, 0, 0, 0, 0, 0)).ShouldBe(0);
        var revision = Header(4, 0, 0, 0, 0, 0);
        revision[4] = 0xFF;
        Id3Tag.HeaderLength(revision).ShouldBe(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("49 44 33 04 00 00 00 00 00")]
    [InlineData("49 44 32 04 00 00 00 00 00 46")]
    [InlineData("69 64 33 04 00 00 00 00 00 46")]
    [InlineData("ff fb 90 00 00 00 00 00 00 00")]
    [InlineData("54 41 47 41 72 74 69 73 74 00")]
    [InlineData("52 49 46 46 24 08 00 00 57 41")]
    public void HeaderLength_NoTagHeader_IsZero(string hex) => Id3Tag.HeaderLength(Hex(hex)).ShouldBe(0);

    [Fact]
    public void HeaderLength_MoreBytesThanTheHeader_ReadsOnlyTheHeader()
    {
        var bytes = new byte[4096];
        Header(4, 0, 0, 0, 0, 0x46).CopyTo(bytes, 0);
        bytes.AsSpan(10).Fill(0xFF);

        Id3Tag.HeaderLength(bytes).ShouldBe(80);
    }
}
