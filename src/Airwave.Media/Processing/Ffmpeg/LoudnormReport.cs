using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>
/// The measurement ffmpeg's loudnorm filter prints with <c>print_format=json</c> (EBU R128: integrated loudness
/// in LUFS, true peak in dBTP, loudness range in LU). The first pass (<c>-af loudnorm=I=-16:TP=-1:LRA=11:
/// print_format=json -f null -</c>) measures the input; the second pass is given those values
/// (<see cref="ToSecondPassOptions"/>) plus <c>linear=true</c> and reports what it did.
/// </summary>
/// <remarks>
/// The JSON is logged at level info when the filter closes, after the whole run's log, on its own lines after a
/// "[Parsed_loudnorm_0 @ 0x…]" line: <c>-v error</c> or <c>-v warning</c> suppresses it. Every value is a JSON
/// string; digital silence measures "-inf" (integrated, true peak) and gives a target_offset of "inf".
/// </remarks>
/// <param name="InputI">input_i: integrated loudness of the input, LUFS.</param>
/// <param name="InputTp">input_tp: true peak of the input, dBTP.</param>
/// <param name="InputLra">input_lra: loudness range of the input, LU.</param>
/// <param name="InputThresh">input_thresh: the relative gate of the input, LUFS (-70 for silence).</param>
/// <param name="OutputI">output_i: integrated loudness after the filter, LUFS.</param>
/// <param name="OutputTp">output_tp: true peak after the filter, dBTP.</param>
/// <param name="OutputLra">output_lra: loudness range after the filter, LU.</param>
/// <param name="OutputThresh">output_thresh: the relative gate after the filter, LUFS.</param>
/// <param name="NormalizationType">normalization_type: "dynamic" or "linear".</param>
/// <param name="TargetOffset">target_offset: what is left to the target, LU; pass it as offset in the second pass.</param>
internal sealed record LoudnormReport(
    double InputI,
    double InputTp,
    double InputLra,
    double InputThresh,
    double OutputI,
    double OutputTp,
    double OutputLra,
    double OutputThresh,
    string NormalizationType,
    double TargetOffset)
{
    /// <summary>
    /// loudnorm reads measured_LRA=0 and measured_thresh=-70 as "not measured" and then refuses linear mode.
    /// A steady input (a tone, noise, a short clip) really measures 0.00 LU; 0.01 is below the precision it prints.
    /// </summary>
    private const double LeastMeasuredLra = 0.01;

    private static readonly string[] NumberKeys =
        ["input_i", "input_tp", "input_lra", "input_thresh", "output_i", "output_tp", "output_lra", "output_thresh", "target_offset"];

    /// <summary>True when loudnorm applied one gain to the whole file (only a second pass can).</summary>
    public bool IsLinear => string.Equals(NormalizationType, "linear", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the input measured as digital silence: there is nothing to normalise.</summary>
    public bool IsSilent => double.IsNegativeInfinity(InputI);

    /// <summary>Reads the last loudnorm JSON object in ffmpeg's stderr.</summary>
    /// <exception cref="FormatException">No loudnorm JSON in the text, or one of its values is missing or not a number.</exception>
    public static LoudnormReport Parse(string ffmpegStderr) =>
        TryParse(ffmpegStderr, out var report, out var problem) ? report : throw new FormatException(problem);

    public static bool TryParse(string? ffmpegStderr, [NotNullWhen(true)] out LoudnormReport? report) =>
        TryParse(ffmpegStderr, out report, out _);

    /// <summary>
    /// The measured_* and offset options for the second pass, from this first-pass report:
    /// <c>measured_I=-35.20:measured_TP=-21.53:measured_LRA=0.10:measured_thresh=-45.20:offset=-0.00</c>.
    /// Append <c>:linear=true</c> and the same I, TP and LRA targets as the first pass.
    /// </summary>
    /// <remarks>
    /// A loudness range of 0 is written as 0.01 (see <see cref="LeastMeasuredLra"/>), and every value is clamped to
    /// the range loudnorm accepts for its option, which would otherwise fail the run on a very quiet input.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The input is silent (-inf): there is no gain to apply.</exception>
    public string ToSecondPassOptions()
    {
        if (!double.IsFinite(InputI) || !double.IsFinite(InputTp) || !double.IsFinite(InputLra)
            || !double.IsFinite(InputThresh) || !double.IsFinite(TargetOffset))
        {
            throw new InvalidOperationException(
                "The first pass measured no finite loudness (digital silence); there is nothing to normalise.");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"measured_I={Math.Clamp(InputI, -99, 0):0.00}:measured_TP={Math.Clamp(InputTp, -99, 99):0.00}"
            + $":measured_LRA={Math.Clamp(InputLra, LeastMeasuredLra, 99):0.00}"
            + $":measured_thresh={Math.Clamp(InputThresh, -99, 0):0.00}:offset={Math.Clamp(TargetOffset, -99, 99):0.00}");
    }

    /// <summary>
    /// Whether a second pass given <see cref="ToSecondPassOptions"/> and <c>linear=true</c> will really be linear.
    /// loudnorm silently falls back to dynamic when the gain would push the true peak over
    /// <paramref name="targetTp"/> or the input's loudness range exceeds <paramref name="targetLra"/>.
    /// </summary>
    public bool AllowsLinear(double targetI, double targetTp, double targetLra)
    {
        if (!double.IsFinite(InputI) || !double.IsFinite(InputTp) || !double.IsFinite(InputThresh) || InputThresh <= -70)
        {
            return false;
        }

        var peakAfterGain = InputTp + (targetI - InputI);
        return peakAfterGain <= targetTp && Math.Max(InputLra, LeastMeasuredLra) <= targetLra;
    }

    private static bool TryParse(string? stderr, [NotNullWhen(true)] out LoudnormReport? report, out string problem)
    {
        report = null;
        problem = "ffmpeg's output holds no loudnorm JSON: the filter prints it at log level info when it closes, "
            + "so the run ended early or -v was set below info.";
        if (string.IsNullOrEmpty(stderr))
        {
            return false;
        }

        // The object starts with "{" on a line of its own; search from the end so the last run's report wins.
        for (var open = stderr.LastIndexOf('{'); open >= 0; open = open == 0 ? -1 : stderr.LastIndexOf('{', open - 1))
        {
            if (open > 0 && stderr[open - 1] is not ('\n' or '\r'))
            {
                continue;
            }

            var close = stderr.IndexOf('}', open);
            if (close < 0 || Read(stderr.AsMemory(open, close - open + 1)) is not { } values)
            {
                continue;
            }

            return Build(values, out report, out problem);
        }

        return false;
    }

    /// <summary>The object's string and number members, or null when the text is not a loudnorm object.</summary>
    private static Dictionary<string, string>? Read(ReadOnlyMemory<char> candidate)
    {
        try
        {
            using var document = JsonDocument.Parse(candidate);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("input_i", out _))
            {
                return null;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    values[property.Name] = property.Value.ToString();
                }
            }

            return values;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Build(Dictionary<string, string> values, [NotNullWhen(true)] out LoudnormReport? report, out string problem)
    {
        report = null;
        var numbers = new double[NumberKeys.Length];
        for (var i = 0; i < NumberKeys.Length; i++)
        {
            if (!values.TryGetValue(NumberKeys[i], out var text))
            {
                problem = $"loudnorm JSON has no \"{NumberKeys[i]}\".";
                return false;
            }

            if (!TryParseNumber(text, out numbers[i]))
            {
                problem = $"loudnorm JSON has \"{NumberKeys[i]}\" = \"{text}\", which is not a number.";
                return false;
            }
        }

        if (!values.TryGetValue("normalization_type", out var type) || string.IsNullOrWhiteSpace(type))
        {
            problem = "loudnorm JSON has no \"normalization_type\".";
            return false;
        }

        problem = "";
        report = new LoudnormReport(
            numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6], numbers[7], type.Trim(), numbers[8]);
        return true;
    }

    /// <summary>A decimal number, or C's spelling of the infinities and NaN ("inf", "-inf", "nan").</summary>
    internal static bool TryParseNumber(string text, out double value)
    {
        var trimmed = text.Trim();
        switch (trimmed.ToUpperInvariant())
        {
            case "INF" or "+INF":
                value = double.PositiveInfinity;
                return true;
            case "-INF":
                value = double.NegativeInfinity;
                return true;
            case "NAN" or "-NAN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
