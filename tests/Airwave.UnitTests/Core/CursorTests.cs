using Airwave.Core.Http;

namespace Airwave.UnitTests.Core;

public sealed class CursorTests
{
    [Fact]
    public void EncodeDecode_RoundTrips()
    {
        var cursor = new Cursor(new DateTimeOffset(2026, 3, 9, 10, 0, 0, 123, TimeSpan.Zero), Guid.CreateVersion7());
        Cursor.TryDecode(cursor.Encode(), out var decoded).ShouldBeTrue();
        decoded.ShouldBe(cursor);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("!!!")]
    [InlineData("MTIzfHh5eg")]
    public void TryDecode_Garbage_Fails(string text) => Cursor.TryDecode(text, out _).ShouldBeFalse();

    [Fact]
    public void Parse_LimitOutOfRange_NamesLimit()
    {
        var errors = new FieldErrors();
        Cursor.Parse(0, null, errors);
        Cursor.Parse(101, null, errors);
        errors.ToDictionary()["limit"].Length.ShouldBe(2);
    }

    [Fact]
    public void ToPage_ExtraRow_GivesNextCursorOfLastItemServed()
    {
        var rows = Enumerable.Range(1, 3).Select(i => new Cursor(DateTimeOffset.UnixEpoch.AddDays(i), Guid.CreateVersion7())).ToList();
        var page = Cursor.ToPage(rows, 2, r => r, r => r.Id);
        page.Items.Count.ShouldBe(2);
        Cursor.TryDecode(page.NextCursor, out var next).ShouldBeTrue();
        next.ShouldBe(rows[1]);
    }

    [Fact]
    public void ToPage_NoExtraRow_NoNextCursor() =>
        Cursor.ToPage([new Cursor(DateTimeOffset.UnixEpoch, Guid.Empty)], 2, r => r, r => r.Id).NextCursor.ShouldBeNull();
}
