using System.Text.Json;

namespace Airwave.Media.Processing;

/// <summary>How reports and rendition lists are stored in the media tables (snake_case, like the API).</summary>
internal static class MediaJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
