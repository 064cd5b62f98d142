using System.Diagnostics.CodeAnalysis;
using Cronos;

namespace Jobs.Engine.Recurring;

/// <summary>
/// A cron expression read in an IANA time zone, turned into UTC fire times by Cronos, the cron
/// library Hangfire uses, with Hangfire's rules: 5 fields, or 6 with seconds first, or a macro
/// (<c>@yearly @annually @monthly @weekly @daily @midnight @hourly @every_minute @every_second</c>);
/// <c>L</c>, <c>W</c>, <c>#</c> and <c>?</c> in the day fields.
/// </summary>
/// <remarks>
/// Around daylight-saving changes the fire times are Cronos's (and so Hangfire's): a wall-clock
/// time skipped by spring-forward fires once, at the instant the clock jumps (a daily 02:30 fires
/// at 03:00 on that day); a time repeated by fall-back fires once, at its first occurrence, unless
/// the expression is an interval in that field (<c>*</c>, a range or a step, such as
/// <c>*/30 * * * *</c>), which keeps firing through the repeated hour as through any other.
/// Every fire time is a distinct UTC instant.
/// </remarks>
public sealed class CronSchedule
{
    private static readonly char[] Separators = [' ', '\t'];

    private readonly CronExpression _cron;

    private CronSchedule(string expression, CronExpression cron, TimeZoneInfo timeZone)
    {
        Expression = expression;
        _cron = cron;
        TimeZone = timeZone;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>The time zone it is read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>
    /// Parses an expression and a time zone id. This is the one check every place that makes a
    /// schedule uses (the schedule client, settings validation at start, the dashboard).
    /// </summary>
    /// <param name="expression">The cron expression.</param>
    /// <param name="timeZoneId">An IANA time zone id such as <c>Europe/Berlin</c>.</param>
    /// <param name="schedule">The schedule, when valid.</param>
    /// <param name="problem">What is wrong (the cron parser's own reason for a malformed expression), when not.</param>
    /// <returns>True when both parse and the expression fires at some time.</returns>
    public static bool TryParse(string? expression, string? timeZoneId,
        [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? problem)
    {
        if (Check(expression, timeZoneId, out var cron, out var zone) is { } reason)
        {
            (schedule, problem) = (null, reason);
            return false;
        }
        schedule = new CronSchedule(expression!, cron!, zone!);
        if (schedule.NextAfter(DateTimeOffset.UtcNow) is null)
        {
            (schedule, problem) = (null, $"Cron expression '{expression}' never fires.");
            return false;
        }
        problem = null;
        return true;
    }

    /// <summary>Parses an expression and a time zone id, or throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static CronSchedule Parse(string expression, string timeZoneId) =>
        TryParse(expression, timeZoneId, out var schedule, out var problem) ? schedule : throw new FormatException(problem);

    /// <summary>The first fire time strictly after <paramref name="instant"/>, in UTC, or null if there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) =>
        _cron.GetNextOccurrence(instant, TimeZone, inclusive: false)?.ToUniversalTime();

    /// <summary>The next <paramref name="count"/> fire times strictly after <paramref name="from"/>, in UTC, oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> NextOccurrences(DateTimeOffset from, int count) =>
        Between(from, DateTimeOffset.MaxValue, count);

    /// <summary>The fire times after <paramref name="after"/> up to and including <paramref name="until"/>, oldest first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Between(DateTimeOffset after, DateTimeOffset until, int max)
    {
        // One occurrence after another, as Hangfire's scheduler walks them.
        var result = new List<DateTimeOffset>();
        var cursor = after;
        while (result.Count < max && NextAfter(cursor) is { } next && next <= until)
        {
            result.Add(next);
            cursor = next;
        }
        return result;
    }

    private static string? Check(string? expression, string? timeZoneId, out CronExpression? cron, out TimeZoneInfo? zone)
    {
        (cron, zone) = (null, null);
        var text = expression?.Trim() ?? "";
        var format = CronFormat.Standard;
        if (!text.StartsWith('@'))
        {
            // Counted first, as Hangfire does: the parser's own message for a missing field names
            // a character, not the field count.
            var fields = text.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Length;
            if (fields is not (5 or 6))
            {
                return $"Cron expression '{expression}' has {fields} fields; expected 5 (minute hour day month weekday) or 6 (seconds first).";
            }
            format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        }
        try
        {
            cron = CronExpression.Parse(text, format);
        }
        catch (CronFormatException e)
        {
            return $"Cron expression '{expression}' is invalid: {e.Message}";
        }
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId ?? "");
            return null;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return $"Time zone '{timeZoneId}' is not a known IANA time zone (for example UTC, Europe/Berlin, America/New_York).";
        }
    }
}
