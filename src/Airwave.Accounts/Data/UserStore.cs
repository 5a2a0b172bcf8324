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
}

internal sealed class UserStore(Database database)
{
    private const string Columns =
        "id, email, email_normalized, display_name, password_hash, role, created_at, updated_at, disabled_at";

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
}
