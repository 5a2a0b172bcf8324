using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.UnitTests.Media;

public sealed class LoudnormReportTests
{
    private const string Json = """
        {
        	"input_i" : "-25.75",
        	"input_tp" : "-14.65",
        	"input_lra" : "0.00",
        	"input_thresh" : "-35.75",
        	"output_i" : "-15.96",
        	"output_tp" : "-4.85",
        	"output_lra" : "0.10",
        	"output_thresh" : "-25.96",
        	"normalization_type" : "dynamic",
        	"target_offset" : "-0.04"
        }
        """;

    private static LoudnormReport Report(double inputI = -30, double inputTp = -20, double inputLra = 5, double inputThresh = -40) =>
        new(inputI, inputTp, inputLra, inputThresh, -16, -5, 5, -26, "dynamic", 0.5);

    [Fact]
    public void Parse_RecordedFirstPass_ReadsEveryValueAfterTheWholeLog()
    {
        var stderr = Fixture.Text("loudnorm/first_pass.stderr");
        stderr.ShouldStartWith("ffmpeg version");

        LoudnormReport.Parse(stderr).ShouldBe(new LoudnormReport(
            InputI: -35.20, InputTp: -21.53, InputLra: 0.10, InputThresh: -45.20,
            OutputI: -16.00, OutputTp: -2.34, OutputLra: 0.10, OutputThresh: -26.00,
            NormalizationType: "dynamic", TargetOffset: -0.00));
    }

    [Fact]
    public void Parse_RecordedSecondPass_IsLinear()
    {
        var report = LoudnormReport.Parse(Fixture.Text("loudnorm/second_pass.stderr"));

        report.NormalizationType.ShouldBe("linear");
        report.IsLinear.ShouldBeTrue();
        report.OutputI.ShouldBe(-15.96);
        report.TargetOffset.ShouldBe(-0.04);
    }

    [Fact]
    public void Parse_RecordedSilence_ReadsInfinities()
    {
        var report = LoudnormReport.Parse(Fixture.Text("loudnorm/silence.stderr"));

        report.InputI.ShouldBe(double.NegativeInfinity);
        report.InputTp.ShouldBe(double.NegativeInfinity);
        report.OutputI.ShouldBe(double.NegativeInfinity);
        report.TargetOffset.ShouldBe(double.PositiveInfinity);
        report.InputThresh.ShouldBe(-70);
        report.IsSilent.ShouldBeTrue();
        report.IsLinear.ShouldBeFalse();
    }

    [Fact]
    public void Parse_RecordedFailure_ThrowsFormatException()
    {
        Fixture.Text("loudnorm/not_audio.exitcode").Trim().ShouldBe("1");
        var stderr = Fixture.Text("loudnorm/not_audio.stderr");

        Should.Throw<FormatException>(() => LoudnormReport.Parse(stderr)).Message.ShouldContain("no loudnorm JSON");
        LoudnormReport.TryParse(stderr, out var report).ShouldBeFalse();
        report.ShouldBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("size=N/A time=00:00:03.00 bitrate=N/A speed=52.4x")]
    [InlineData("[Parsed_loudnorm_0 @ 0x1] \n{\n\t\"input_i\" : \"-25.75\",")]
    [InlineData("Metadata:\n{\n\t\"title\" : \"not loudnorm\"\n}\n")]
    public void TryParse_NoLoudnormObject_IsFalse(string? stderr) =>
        LoudnormReport.TryParse(stderr, out _).ShouldBeFalse();

    [Fact]
    public void Parse_BracesElsewhereInTheLog_FindsTheObjectOnItsOwnLines()
    {
        var stderr = "    title           : {draft} episode\n  Stream #0:0: Audio: mp3\n"
            + "[Parsed_loudnorm_0 @ 0x55e216f94700] \n" + Json + "\n[out#0 @ 0x1] some later line {x}\n";

        LoudnormReport.Parse(stderr).InputI.ShouldBe(-25.75);
    }

    [Fact]
    public void Parse_TwoReports_TakesTheLast()
    {
        var stderr = Json + "\n" + Json.Replace("-25.75", "-20.00", StringComparison.Ordinal);

        LoudnormReport.Parse(stderr).InputI.ShouldBe(-20);
    }

    [Fact]
    public void Parse_CrLfLineEnds_Reads()
    {
        var stderr = ("size=N/A\r[Parsed_loudnorm_0 @ 0x1] \n" + Json).Replace("\n", "\r\n", StringComparison.Ordinal);

        LoudnormReport.Parse(stderr).OutputThresh.ShouldBe(-25.96);
    }

    [Fact]
    public void Parse_NumbersNotQuoted_Reads() =>
        LoudnormReport.Parse(Json.Replace("\"-0.04\"", "-0.04", StringComparison.Ordinal)).TargetOffset.ShouldBe(-0.04);

    [Theory]
    [InlineData("input_tp")]
    [InlineData("target_offset")]
    [InlineData("normalization_type")]
    public void Parse_KeyMissing_ThrowsNamingIt(string key)
    {
        var lines = Json.Split('\n').Where(l => !l.Contains($"\"{key}\"", StringComparison.Ordinal));
        var json = string.Join('\n', lines).Replace(",\n}", "\n}", StringComparison.Ordinal);

        Should.Throw<FormatException>(() => LoudnormReport.Parse(json)).Message.ShouldContain(key);
    }

    [Fact]
    public void Parse_ValueNotANumber_ThrowsNamingIt() =>
        Should.Throw<FormatException>(() => LoudnormReport.Parse(Json.Replace("\"-14.65\"", "\"loud\"", StringComparison.Ordinal)))
            .Message.ShouldContain("input_tp");

    [Theory]
    [InlineData("-25.75", -25.75)]
    [InlineData("0.00", 0)]
    [InlineData("-0.00", 0)]
    [InlineData(" 12 ", 12)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("-INF", double.NegativeInfinity)]
    [InlineData("nan", double.NaN)]
    public void TryParseNumber_CAndDecimalSpellings_Parse(string text, double expected)
    {
        LoudnormReport.TryParseNumber(text, out var value).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("loud")]
    [InlineData("-25,75")]
    [InlineData("--inf")]
    public void TryParseNumber_NotANumber_Fails(string text) => LoudnormReport.TryParseNumber(text, out _).ShouldBeFalse();

    [Fact]
    public void ToSecondPassOptions_RecordedFirstPass_GivesTheOptionsTheRecordedSecondPassUsed()
    {
        var firstPass = LoudnormReport.Parse(Fixture.Text("loudnorm/first_pass.stderr"));

        firstPass.ToSecondPassOptions().ShouldBe(Fixture.Text("loudnorm/second_pass.options").Trim());
    }

    [Fact]
    public void ToSecondPassOptions_ZeroLoudnessRange_WritesTheLeastThatKeepsLinearMode() =>
        Report(inputLra: 0).ToSecondPassOptions()
            .ShouldBe("measured_I=-30.00:measured_TP=-20.00:measured_LRA=0.01:measured_thresh=-40.00:offset=0.50");

    [Fact]
    public void ToSecondPassOptions_OutsideTheFiltersRanges_Clamps() =>
        Report(inputI: -105.5, inputTp: -120, inputLra: 150, inputThresh: -115.5).ToSecondPassOptions()
            .ShouldBe("measured_I=-99.00:measured_TP=-99.00:measured_LRA=99.00:measured_thresh=-99.00:offset=0.50");

    [Fact]
    public void ToSecondPassOptions_Silence_Throws() =>
        Should.Throw<InvalidOperationException>(() => LoudnormReport.Parse(Fixture.Text("loudnorm/silence.stderr")).ToSecondPassOptions());

    [Fact]
    public void AllowsLinear_RecordedFirstPass_AgreesWithWhatFfmpegDid()
    {
        var firstPass = LoudnormReport.Parse(Fixture.Text("loudnorm/first_pass.stderr"));
        var secondPass = LoudnormReport.Parse(Fixture.Text("loudnorm/second_pass.stderr"));

        firstPass.AllowsLinear(targetI: -16, targetTp: -1, targetLra: 11).ShouldBe(secondPass.IsLinear);
        secondPass.IsLinear.ShouldBeTrue();
    }

    [Theory]
    [InlineData(-30, -20, 5, -40, true)]
    [InlineData(-30, -20, 0, -40, true)]
    [InlineData(-30, -15.1, 5, -40, true)]
    [InlineData(-30, -14.9, 5, -40, false)]
    [InlineData(-30, -20, 11.5, -40, false)]
    [InlineData(-30, -20, 5, -70, false)]
    [InlineData(double.NegativeInfinity, double.NegativeInfinity, 0, -70, false)]
    public void AllowsLinear_FollowsLoudnormsRule(double inputI, double inputTp, double inputLra, double inputThresh, bool expected) =>
        Report(inputI, inputTp, inputLra, inputThresh).AllowsLinear(targetI: -16, targetTp: -1, targetLra: 11).ShouldBe(expected);
}
