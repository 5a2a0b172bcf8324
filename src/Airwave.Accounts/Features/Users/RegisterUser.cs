using Airwave.Core.Http.RateLimits;
using Airwave.Accounts.Auth;
using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.Users;

/// <summary><c>POST /api/v1/users/register</c>: anyone may create a creator or listener account.</summary>
internal static class RegisterUser
{
    internal sealed record Request(string? Email, string? Password, string? DisplayName, string? Role);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/users/register", HandleAsync)
            .AllowAnonymous()
            .RequireSharedRateLimit(AccountsModule.AuthRateLimit)
            .WithName("RegisterUser")
            .WithSummary("Create an account (role creator or listener)");

    internal static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Request request, UserStore users, Passwords passwords, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var email = request.Email!.Trim();
        var user = new UserRow
        {
            Id = Guid.CreateVersion7(now),
            Email = email,
            EmailNormalized = Credentials.NormalizeEmail(email),
            DisplayName = request.DisplayName!.Trim(),
            PasswordHash = passwords.Hash(request.Password!),
            Role = request.Role!,
            CreatedAt = now,
            UpdatedAt = now,
        };

        if (!await users.TryInsertAsync(user, cancellationToken))
        {
            return Problems.Conflict("An account with this email address already exists.", "Email already registered");
        }

        return TypedResults.Created("/api/v1/users/me", UserResponse.From(user));
    }

    internal static FieldErrors Validate(Request request)
    {
        var errors = new FieldErrors();
        if (Credentials.EmailProblem(request.Email) is { } email)
        {
            errors.Add("email", email);
        }

        if (Credentials.PasswordProblem(request.Password, request.Email) is { } password)
        {
            errors.Add("password", password);
        }

        if (Credentials.DisplayNameProblem(request.DisplayName) is { } name)
        {
            errors.Add("display_name", name);
        }

        errors.AddIf(request.Role is null, "role", "is required: creator or listener");
        errors.AddIf(request.Role is not null && !Roles.SelfService.Contains(request.Role), "role", "must be creator or listener");
        return errors;
    }
}
