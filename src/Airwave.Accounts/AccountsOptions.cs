namespace Airwave.Accounts;

/// <summary>Sign-in and rate-limit settings; bound from the <c>Accounts</c> configuration section.</summary>
public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    /// <summary>How long a bearer access token works before the client must refresh it.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a refresh token lasts, and how long a browser cookie session lasts from sign-in.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Register and login attempts allowed per client IP (IPv6: per /64) per minute, each endpoint counted separately,
    /// for all instances together: the counters are in the database (ADR 0021).
    /// </summary>
    public int AuthAttemptsPerMinute { get; set; } = 10;

    internal IEnumerable<string> Validate()
    {
        if (AccessTokenLifetime < TimeSpan.FromMinutes(1))
        {
            yield return "Accounts:AccessTokenLifetime must be at least one minute.";
        }

        if (RefreshTokenLifetime < AccessTokenLifetime)
        {
            yield return "Accounts:RefreshTokenLifetime must be at least Accounts:AccessTokenLifetime.";
        }

        if (AuthAttemptsPerMinute < 1)
        {
            yield return "Accounts:AuthAttemptsPerMinute must be at least 1.";
        }
    }
}
