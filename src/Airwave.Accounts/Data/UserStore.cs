using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Accounts.Data;

internal sealed record UserRow
{
    public required Guid Id { get; init; }
    public required string Email { get; init; }
    public required string EmailNormalized { get; init; }
    public required string DisplayName { get; init; }
    public required string PasswordHash { get; init; }
    public required string Role { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Why an admin disabled the account (shown to admins, never to the user).</summary>
    public string? DisabledReason { get; init; }

    /// <summary>The admin who disabled it.</summary>
    public Guid? DisabledBy { get; init; }
}

/// <summary>One administrative change of an account, kept for good: who did what to whom, when and why.</summary>
internal sealed record AccountActionRow
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required string Action { get; init; }
    public string? Reason { get; init; }
    public required Guid ActorId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

internal sealed class UserStore(Database database)
{
    private const string Columns =
        "id, email, email_normalized, display_name, password_hash, role, created_at, updated_at, disabled_at, disabled_reason, disabled_by";

    /// <summary>Inserts the user; false when the email is already taken (in any letter case).</summary>
    public async Task<bool> TryInsertAsync(UserRow user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO users (id, email, email_normalized, display_name, password_hash, role, created_at, updated_at, disabled_at)
                VALUES (@Id, @Email, @EmailNormalized, @DisplayName, @PasswordHash, @Role, @CreatedAt, @UpdatedAt, @DisabledAt)
                """, user, cancellationToken: cancellationToken));
            return true;
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            return false;
        }
    }

    public async Task<UserRow?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE email_normalized = @normalizedEmail",
            new { normalizedEmail }, cancellationToken: cancellationToken));
    }

    public async Task<UserRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Replaces the stored hash when the hasher asks for a rehash (e.g. after an iteration count rise).</summary>
    public async Task UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash, updated_at = @now WHERE id = @id",
            new { id, passwordHash, now }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Accounts newest first, for admins: optionally those whose email or display name contains
    /// <paramref name="search"/> (any letter case) and those of one role. Fetches <paramref name="limit"/> + 1 rows.
    /// </summary>
    public async Task<IReadOnlyList<UserRow>> ListAsync(string? search, string? role, int limit, Cursor? after, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (!string.IsNullOrEmpty(search))
        {
            filters.Add(@"(email_normalized LIKE @pattern ESCAPE '\' OR LOWER(display_name) LIKE @pattern ESCAPE '\')");
        }

        if (role is not null)
        {
            filters.Add("role = @role");
        }

        if (after is not null)
        {
            filters.Add("(created_at, id) < (@SortKey, @Id)");
        }

        var where = filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters);
        var pattern = search is null ? null : "%" + EscapeLike(search.ToLowerInvariant()) + "%";
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users {where} ORDER BY created_at DESC, id DESC LIMIT @take",
            new { pattern, role, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Disables the account and revokes its sign-in sessions, recording the action, all in one transaction. False
    /// (nothing written) when it is disabled already. Personal API tokens are not revoked: they stop working while the
    /// account is disabled (every lookup checks <c>disabled_at</c>) and work again when it is enabled.
    /// </summary>
    public async Task<bool> DisableAsync(AccountActionRow action, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE users SET disabled_at = @CreatedAt, disabled_reason = @Reason, disabled_by = @ActorId, updated_at = @CreatedAt
                WHERE id = @UserId AND disabled_at IS NULL
                """, action, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return false;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE auth_sessions SET revoked_at = @CreatedAt WHERE user_id = @UserId AND revoked_at IS NULL",
                action, transaction, cancellationToken: cancellationToken));
            await InsertActionAsync(connection, transaction, action, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>Enables a disabled account, recording the action; false (nothing written) when it is not disabled.</summary>
    public async Task<bool> EnableAsync(AccountActionRow action, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE users SET disabled_at = NULL, disabled_reason = NULL, disabled_by = NULL, updated_at = @CreatedAt
                WHERE id = @UserId AND disabled_at IS NOT NULL
                """, action, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                return false;
            }

            await InsertActionAsync(connection, transaction, action, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>Every administrative change of the account, oldest first.</summary>
    public async Task<IReadOnlyList<AccountActionRow>> ActionsAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<AccountActionRow>(new CommandDefinition(
            "SELECT id, user_id, action, reason, actor_id, created_at FROM account_actions WHERE user_id = @userId ORDER BY created_at, id",
            new { userId }, cancellationToken: cancellationToken))];
    }

    private static async Task InsertActionAsync(DbConnection connection, DbTransaction transaction, AccountActionRow action,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO account_actions (id, user_id, action, reason, actor_id, created_at)
            VALUES (@Id, @UserId, @Action, @Reason, @ActorId, @CreatedAt)
            """, action, transaction, cancellationToken: cancellationToken));

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
