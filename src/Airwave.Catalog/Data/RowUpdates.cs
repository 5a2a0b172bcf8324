using System.Data.Common;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>
/// Writing a whole row by its id, optionally only while the stored row was last changed at a given time: an
/// <c>If-Match</c> made atomic (ADR 0028). Every edit of a podcast or episode sets <c>updated_at</c>, so a row changed
/// by someone else in between no longer matches, and nothing is written.
/// </summary>
internal static class RowUpdates
{
    /// <param name="update">The <c>UPDATE … SET …</c> without its <c>WHERE</c>; the row's <c>Id</c> picks the row.</param>
    /// <returns>False when no row was written (changed since <paramref name="ifUpdatedAt"/>, or gone).</returns>
    public static async Task<bool> UpdateByIdAsync(DbConnection connection, DbTransaction transaction, string update, object row,
        DateTimeOffset? ifUpdatedAt, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(row);
        parameters.Add("IfUpdatedAt", ifUpdatedAt);
        var condition = ifUpdatedAt is null ? "" : " AND updated_at = @IfUpdatedAt";
        return await connection.ExecuteAsync(new CommandDefinition(
            $"{update} WHERE id = @Id{condition}", parameters, transaction, cancellationToken: cancellationToken)) == 1;
    }
}
