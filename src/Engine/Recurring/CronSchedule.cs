using NCrontab;

namespace Jobs.Engine.Recurring;

/// <summary>
/// A cron expression read in an IANA time zone, turned into UTC fire times with defined behaviour
/// around daylight-saving changes.
/// </summary>
/// <remarks>
/// Wall-clock times skipped by a spring-forward change fire once, at the instant the clock jumps
/// (a daily 02:30 fires at 03:00 on that day). Wall-clock times that happen twice in a fall-back
/// change fire once, at their first occurrence. Every fire time is a distinct UTC instant.
/// </remarks>
public sealed class CronSchedule
{
    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    // Searching further than this for the next fire time means the expression never fires
    // (for example 0 0 30 2 *, the 30th of February).
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 5);

    private readonly CrontabSchedule _cron;

    private CronSchedule(string expression, CrontabSchedule cron, TimeZoneInfo timeZone)
    {
        Expression = expression;
        _cron = cron;
        TimeZone = timeZone;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>The time zone it is read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Parses an expression and a time zone id, or throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static CronSchedule Parse(string expression, string timeZoneId)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var text = Macros.TryGetValue(expression.Trim(), out var macro) ? macro : expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            throw new FormatException($"Cron expression '{expression}' has {fields} fields; expected 5 (minute hour day month weekday) or 6 (seconds first).");
        }

        CrontabSchedule cron;
        try
        {
            cron = CrontabSchedule.Parse(text, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        }
        catch (CrontabException e)
        {
            throw new FormatException($"Cron expression '{expression}' is invalid: {e.Message}", e);
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            throw new FormatException($"Time zone '{timeZoneId}' is not a known IANA time zone (for example UTC, Europe/Berlin, America/New_York).", e);
        }

        if (new CronSchedule(expression, cron, zone).NextAfter(DateTimeOffset.UtcNow) is null)
        {
            throw new FormatException($"Cron expression '{expression}' never fires.");
        }
        return new CronSchedule(expression, cron, zone);
    }

    /// <summary>The first fire time strictly after <paramref name="instant"/>, or null if there is none within five years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZone);
        var end = local + Horizon;
        while (true)
        {
            var candidate = _cron.GetNextOccurrence(local, end);
            if (candidate >= end)
            {
                return null;
            }
            var fire = ToUtc(candidate);
            if (fire > utc)
            {
                return new DateTimeOffset(fire, TimeSpan.Zero);
            }
            // The candidate maps to an instant already passed: the second occurrence of a repeated
            // wall-clock hour, or a skipped time folded onto a jump we already fired at.
            local = candidate;
        }
    }

    /// <summary>The fire times after <paramref name="after"/> up to and including <paramref name="until"/>, oldest first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Between(DateTimeOffset after, DateTimeOffset until, int max)
    {
        var result = new List<DateTimeOffset>();
        var cursor = after;
        while (result.Count < max && NextAfter(cursor) is { } next && next <= until)
        {
            result.Add(next);
            cursor = next;
        }
        return result;
    }

    private DateTime ToUtc(DateTime wallClock)
    {
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (TimeZone.IsInvalidTime(unspecified))
        {
            // Skipped by a spring-forward change: the first valid minute is the instant the clock jumped.
            var probe = new DateTime(unspecified.Ticks - unspecified.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Unspecified);
            do
            {
                probe = probe.AddMinutes(1);
            }
            while (TimeZone.IsInvalidTime(probe));
            return TimeZoneInfo.ConvertTimeToUtc(probe, TimeZone);
        }
        if (TimeZone.IsAmbiguousTime(unspecified))
        {
            // Repeated by a fall-back change: the first occurrence is the one with the larger offset.
            var offset = TimeZone.GetAmbiguousTimeOffsets(unspecified).Max();
            return DateTime.SpecifyKind(unspecified - offset, DateTimeKind.Utc);
        }
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, TimeZone);
    }
}
