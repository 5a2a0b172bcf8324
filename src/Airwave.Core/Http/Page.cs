using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Airwave.Core.Http;

/// <summary>One page of a list; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset pagination position: the sort key and id of the last item served. Opaque to clients (base64url),
/// stable under inserts, and cheap for the database (no OFFSET).
/// </summary>
public readonly record struct Cursor(DateTimeOffset SortKey, Guid Id)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{SortKey.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{Id:N}"));

    public static bool TryDecode(string? text, out Cursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is >= 0 and <= 3155378975999999999
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }

    /// <summary>
    /// Validates the <c>limit</c> and <c>cursor</c> query parameters shared by every list endpoint.
    /// </summary>
    public static (int Limit, Cursor? After) Parse(int? limit, string? cursor, FieldErrors errors)
    {
        errors.AddIf(limit is < 1 or > MaxLimit, "limit", $"must be between 1 and {MaxLimit}");
        errors.AddIf(!TryDecode(cursor, out var after), "cursor", "is not a cursor this API returned");
        return (limit ?? DefaultLimit, after);
    }

    /// <summary>
    /// Builds a page from rows fetched with limit + 1: the extra row only says whether a next page exists.
    /// </summary>
    public static Page<TOut> ToPage<TRow, TOut>(IReadOnlyList<TRow> rows, int limit, Func<TRow, Cursor> position, Func<TRow, TOut> map)
    {
        var items = rows.Take(limit).Select(map).ToList();
        var next = rows.Count > limit ? position(rows[limit - 1]).Encode() : null;
        return new Page<TOut>(items, next);
    }
}
