namespace Jobs.Http;

/// <summary>Reads an HTTP <c>Retry-After</c>: seconds or a date, never negative, optionally capped.</summary>
public static class RetryAfterHeader
{
    /// <summary>How long the response asks to wait, or null when it does not say.</summary>
    public static TimeSpan? Wait(HttpResponseMessage response, TimeProvider time, TimeSpan? cap = null)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } w)
        {
            return null;
        }
        var ticks = Math.Max(0, w.Ticks);
        return TimeSpan.FromTicks(cap is { } limit ? Math.Min(ticks, limit.Ticks) : ticks);
    }
}
