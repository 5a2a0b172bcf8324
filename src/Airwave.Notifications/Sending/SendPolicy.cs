namespace Airwave.Notifications.Sending;

/// <summary>What an attempt's answer means for the receipt.</summary>
internal enum Verdict
{
    Succeeded,

    /// <summary>Worth trying again: the target may answer next time (network error, timeout, 408, 429, 5xx).</summary>
    Retry,

    /// <summary>The target refused the request itself (any other 4xx, or a redirect left unfollowed): retrying cannot help.</summary>
    Fail,
}

/// <summary>When to call an attempt a success, and how long to wait before the next one.</summary>
internal static class SendPolicy
{
    public static Verdict Classify(int status) =>
        status is >= 200 and < 300 ? Verdict.Succeeded
        : status is 408 or 429 or >= 500 ? Verdict.Retry
        : Verdict.Fail;

    /// <summary>
    /// <paramref name="firstDelay"/> after the first failed attempt, doubling after each further one, at most
    /// <see cref="NotificationOptions.MaxRetryDelay"/>. A server that says when to come back (Retry-After) is
    /// believed, within the same bound.
    /// </summary>
    public static TimeSpan RetryDelay(TimeSpan firstDelay, int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > NotificationOptions.MaxRetryDelay ? NotificationOptions.MaxRetryDelay : asked;
        }

        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = firstDelay.TotalSeconds * factor;
        return delay >= NotificationOptions.MaxRetryDelay.TotalSeconds ? NotificationOptions.MaxRetryDelay : TimeSpan.FromSeconds(delay);
    }
}
