using Airwave.Web.Features.Studio;

namespace Airwave.UnitTests.Web;

public sealed class ChapterTimesTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("75", 75)]
    [InlineData("12.25", 12.25)]
    [InlineData("0:00", 0)]
    [InlineData("12:30", 750)]
    [InlineData(" 1:02:03.5 ", 3723.5)]
    [InlineData("90:00", 5400)]
    public void Parse_TypedTime_Seconds(string text, double expected) => ChapterTimes.Parse(text).ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("1:75")]
    [InlineData("1:2:3:4")]
    [InlineData("1.5:00")]
    [InlineData("-3")]
    [InlineData("1,5")]
    [InlineData("abc")]
    [InlineData("1::2")]
    public void Parse_NotATime_Null(string text) => ChapterTimes.Parse(text).ShouldBeNull();

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(8.5, "0:08.5")]
    [InlineData(754.25, "12:34.25")]
    [InlineData(3723, "1:02:03")]
    [InlineData(59.9996, "1:00")]
    public void Format_Seconds_ClockThatParsesBack(double seconds, string expected)
    {
        ChapterTimes.Format(seconds).ShouldBe(expected);
        ChapterTimes.Parse(expected)!.Value.ShouldBe(seconds, 0.001);
    }

    [Fact]
    public void ToChapters_EmptyRowsLeftOut_ApiRowNumbersMapBackToThePage()
    {
        var rows = new[]
        {
            new ChapterRow("0:00", "Intro", "", ""),
            new ChapterRow(" ", "", "", ""),
            new ChapterRow("1:75", "Bad time", "https://example.com", ""),
        };

        var (chapters, positions, errors) = ChapterEditor.ToChapters(rows);

        chapters.Select(c => (c.StartSeconds, c.Title, c.Url)).ShouldBe([(0.0, "Intro", null), (null, "Bad time", "https://example.com")]);
        positions.ShouldBe([0, 2]);
        errors.Keys.ShouldBe(["chapters[2].start_time"]);
        ChapterEditor.RowField("chapters[1].title", positions).ShouldBe("chapters[2].title");
        ChapterEditor.RowField("chapters[1]", positions).ShouldBe("chapters[2]");
        ChapterEditor.RowField("chapters", positions).ShouldBe("chapters");
        ChapterEditor.RowField("chapters[9].title", positions).ShouldBe("chapters[9].title");
    }
}
