namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>
/// The ID3v2 tag that MP3 files (and some AAC/ADTS files) start with. Knowing its length lets the pipeline find
/// where the audio begins, to sniff the first frame, to hash the audio without its (often rewritten) tags, or to
/// replace the tag without re-encoding.
/// </summary>
/// <remarks>
/// Layout (id3.org, ID3v2.4 §3.1): "ID3", major and revision version bytes (never 0xFF), a flags byte, and the
/// size of everything after the header as four "syncsafe" bytes of 7 bits each (a byte ≥ 0x80 means it is not
/// a tag header). The footer flag (0x10, ID3v2.4) adds a 10-byte copy of the header at the end. Same rules as
/// ffmpeg's own ff_id3v2_match and ff_id3v2_tag_len.
/// </remarks>
internal static class Id3Tag
{
    /// <summary>The size of the ID3v2 header, and of its optional footer.</summary>
    public const int HeaderSize = 10;

    private const byte FooterFlag = 0x10;

    /// <summary>
    /// The total length in bytes of the ID3v2 tag at the start of <paramref name="firstBytes"/> (header, body and
    /// footer), which is the offset where the audio starts; 0 when the bytes do not start with a valid tag header
    /// (including when fewer than <see cref="HeaderSize"/> bytes are given).
    /// </summary>
    public static int HeaderLength(ReadOnlySpan<byte> firstBytes)
    {
        if (firstBytes.Length < HeaderSize
            || firstBytes[0] != (byte)'I' || firstBytes[1] != (byte)'D' || firstBytes[2] != (byte)'3'
            || firstBytes[3] == 0xFF || firstBytes[4] == 0xFF)
        {
            return 0;
        }

        var size = 0;
        foreach (var b in firstBytes.Slice(6, 4))
        {
            if (b >= 0x80)
            {
                return 0;
            }

            size = (size << 7) | b;
        }

        // At most 2^28 - 1 + 20 bytes: always fits an int.
        return HeaderSize + size + ((firstBytes[5] & FooterFlag) != 0 ? HeaderSize : 0);
    }
}
