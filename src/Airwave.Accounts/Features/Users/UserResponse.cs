using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.Users;

/// <summary>A user as the user themself sees it.</summary>
internal sealed record UserResponse(Guid Id, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt)
{
    public static UserResponse From(UserRow user) => new(user.Id, user.Email, user.DisplayName, user.Role, user.CreatedAt);
}
