using System.ComponentModel.DataAnnotations;

namespace Jobs.Engine.Handlers;

/// <summary>
/// When a failed attempt runs again. Exponential by default: attempt n waits
/// <c>BaseDelay * 2^(n-1)</c>, capped at <see cref="MaxDelay"/>; or an explicit
/// <see cref="Schedule"/> of delays (the last one repeats). Either way the delay is spread by
/// <see cref="Jitter"/> so that jobs failing together do not retry together.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>The delay after the first failed attempt. The default value is 15 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest delay between attempts. The default value is 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Explicit delays after the 1st, 2nd, ... failed attempt; the last repeats. Replaces the
    /// exponential curve when set. The default value is none.
    /// </summary>
    public IList<TimeSpan>? Schedule { get; set; }

    /// <summary>
    /// The fraction by which a delay is randomly lengthened or shortened: 0.2 spreads a 10 minute
    /// delay over 8 to 12 minutes. The default value is 0.2.
    /// </summary>
    [Range(0.0, 1.0)]
    public double Jitter { get; set; } = 0.2;

    /// <summary>The delay before the attempt after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan NextDelay(int attempt, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        double ms;
        if (Schedule is { Count: > 0 } schedule)
        {
            ms = schedule[Math.Min(attempt, schedule.Count) - 1].TotalMilliseconds;
        }
        else
        {
            var exponent = Math.Min(attempt - 1, 62);
            ms = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        }
        ms *= 1 + Jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, ms));
    }
}
