using Airwave.Core.Hosting;
using Airwave.Accounts.Auth;
using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;
using Airwave.Accounts.Features.Users;
using Airwave.Core.Http.RateLimits;
using Airwave.Core.Options;
using Airwave.Accounts.Features.Admin;
using Airwave.Accounts.Features.ApiTokens;
using Airwave.Accounts.Features.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Accounts;

/// <summary>Registers the Accounts module: authentication schemes, policies, stores and endpoints.</summary>
public static class AccountsModule
{
    public const string AuthRateLimit = "accounts-auth";
    private const string SelectorScheme = "Airwave";
    private const string CookieName = "airwave_session";

    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccountsOptions>>(new RulesValidator<AccountsOptions>(o => o.Validate()));
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<TokenPairs>();
        services.AddSingleton<IAccountAdministration, AccountAdministration>();
        services.AddSingleton<IUserAdministration, UserAdministration>();
        services.AddSingleton<IUserDirectory, UserDirectory>();
        services.AddSingleton<IBrowserSignIn, BrowserSignIn>();
        services.AddSingleton<IAccountPages, AccountPages>();
        services.AddRoleService<SessionCleanup>(ServerRoles.Worker);

        services.AddAuthentication(SelectorScheme)
            // Bearer when the request carries an Authorization header, otherwise the browser cookie.
            .AddPolicyScheme(SelectorScheme, "Bearer or cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? BearerTokenHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, ConfigureCookie);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AccountsOptions>>((cookie, accounts) => cookie.ExpireTimeSpan = accounts.Value.RefreshTokenLifetime);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p => p.RequireAuthenticatedUser().RequireClaim(AirwaveClaims.Scope, Scopes.Read))
            .AddPolicy(Policies.Write, p => p.RequireAuthenticatedUser().RequireClaim(AirwaveClaims.Scope, Scopes.Write))
            .AddPolicy(Policies.Analytics, p => p.RequireAuthenticatedUser().RequireClaim(AirwaveClaims.Scope, Scopes.Analytics))
            // Administration needs the admin role and the scope the action needs: an admin's read-only token cannot take anything down.
            .AddPolicy(Policies.AdminRead, p => p.RequireAuthenticatedUser().RequireClaim(AirwaveClaims.Role, Roles.Admin)
                .RequireClaim(AirwaveClaims.Scope, Scopes.Read))
            .AddPolicy(Policies.AdminWrite, p => p.RequireAuthenticatedUser().RequireClaim(AirwaveClaims.Role, Roles.Admin)
                .RequireClaim(AirwaveClaims.Scope, Scopes.Write));

        // Shared by every instance through the database (ADR 0021): behind a load balancer, N instances must not
        // allow N times the attempts. Keyed by endpoint name, not the raw path: /AUTH/login/ must not buy a fresh
        // allowance. Behind the nginx edge or a load balancer every request comes from the proxy; the resolver looks
        // past trusted ones. The partition is hashed before it is stored: the address never is.
        services.AddSharedRateLimitPolicy(new SharedRateLimitPolicy(AuthRateLimit,
            context => context.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value.AuthAttemptsPerMinute,
            TimeSpan.FromMinutes(1),
            context =>
            {
                var client = SharedRateLimiter.ClientOf(context.RequestServices.GetRequiredService<ClientAddresses>().Resolve(context));
                var endpoint = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "";
                return $"{client}|{endpoint}";
            }));
        return services;
    }

    public static IEndpointRouteBuilder MapAccountsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Accounts");
        RegisterUser.Map(api);
        Login.Map(api);
        Refresh.Map(api);
        Logout.Map(api);
        GetMe.Map(api);
        ApiTokens.Map(api);
        AdminUsers.Map(app.MapGroup("/api/v1/admin").WithTags("Administration"));
        return app;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        // Strict: the browser never sends the session cookie on cross-site requests (the first CSRF defence).
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        // The session row's expiry is fixed at sign-in; a sliding cookie would only promise more than it keeps.
        options.SlidingExpiration = false;
        options.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = async context =>
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
                var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                if (context.Principal?.CredentialId() is not { } sessionId
                    || !await sessions.IsCookieSessionActiveAsync(sessionId, clock.GetUtcNow(), context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
            },
            // An API answers 401/403; the web UI (a later module) decides where people are sent.
            OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            },
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
        };
    }
}
