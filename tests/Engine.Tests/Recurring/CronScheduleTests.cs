using Jobs.Engine.Recurring;

namespace Jobs.Engine.Tests.Recurring;

public sealed class CronScheduleTests
{
    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Fires(string cron, string zone, string from, string to) =>
        CronSchedule.Parse(cron, zone).Between(Utc(from), Utc(to), 1000).Select(f => f.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss")).ToList();

    [Fact]
    public void A_daily_time_skipped_by_spring_forward_fires_once_when_the_clock_jumps()
    {
        // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day.
        Assert.Equal(
            ["2026-03-28 01:30:00", "2026-03-29 01:00:00", "2026-03-30 00:30:00"],
            Fires("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", "2026-03-30T12:00:00Z"));
    }

    [Fact]
    public void A_daily_time_repeated_by_fall_back_fires_once_at_its_first_occurrence()
    {
        // Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        Assert.Equal(
            ["2026-10-24 00:30:00", "2026-10-25 00:30:00", "2026-10-26 01:30:00"],
            Fires("30 2 * * *", "Europe/Berlin", "2026-10-24T00:00:00Z", "2026-10-26T12:00:00Z"));
    }

    [Fact]
    public void An_interval_schedule_fires_every_real_half_hour_through_both_changes()
    {
        var spring = Fires("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z");
        var autumn = Fires("*/30 * * * *", "Europe/Berlin", "2026-10-24T23:00:00Z", "2026-10-25T02:30:00Z");

        // Spring: 02:00 and 02:30 do not exist; the next half hour is 03:00 CEST (01:00 UTC).
        Assert.Equal(["2026-03-29 00:30:00", "2026-03-29 01:00:00", "2026-03-29 01:30:00", "2026-03-29 02:00:00"], spring);
        // Autumn, as Cronos and Hangfire do: an interval keeps firing through the repeated hour
        // (02:00 and 02:30 CEST, then 02:00 and 02:30 CET), so no half hour goes without a fire.
        Assert.Equal(["2026-10-24 23:30:00", "2026-10-25 00:00:00", "2026-10-25 00:30:00", "2026-10-25 01:00:00", "2026-10-25 01:30:00",
            "2026-10-25 02:00:00", "2026-10-25 02:30:00"], autumn);
        Assert.Equal(autumn.Count, autumn.Distinct().Count());
    }

    [Fact]
    public void New_york_skips_and_repeats_an_hour_and_each_daily_time_fires_once()
    {
        // 8 March 2026: 02:00 EST becomes 03:00 EDT, so 02:30 fires at 03:00 EDT (07:00 UTC).
        Assert.Equal(["2026-03-07 07:30:00", "2026-03-08 07:00:00", "2026-03-09 06:30:00"],
            Fires("30 2 * * *", "America/New_York", "2026-03-07T00:00:00Z", "2026-03-09T12:00:00Z"));
        // 1 November 2026: 02:00 EDT becomes 01:00 EST, so 01:30 happens twice and fires at the first (EDT).
        Assert.Equal(["2026-10-31 05:30:00", "2026-11-01 05:30:00", "2026-11-02 06:30:00"],
            Fires("30 1 * * *", "America/New_York", "2026-10-31T00:00:00Z", "2026-11-02T12:00:00Z"));
        // Hourly fires once per real hour through the repeated one: 01:00 EDT, 01:00 EST, 02:00 EST.
        Assert.Equal(["2026-11-01 05:00:00", "2026-11-01 06:00:00", "2026-11-01 07:00:00"],
            Fires("0 * * * *", "America/New_York", "2026-11-01T04:00:00Z", "2026-11-01T07:00:00Z"));
    }

    [Theory]
    [InlineData("0 0 L * *", "2028-01-15", "2028-01-31 2028-02-29 2028-03-31 2028-04-30")]
    [InlineData("0 0 LW * *", "2026-01-01", "2026-01-30 2026-02-27 2026-03-31 2026-04-30 2026-05-29")]
    [InlineData("0 0 15W * *", "2026-01-01", "2026-01-15 2026-02-16 2026-03-16 2026-04-15")]
    [InlineData("0 0 1W * *", "2026-07-15", "2026-08-03 2026-09-01")]
    [InlineData("0 0 15W * *", "2026-07-20", "2026-08-14")]
    [InlineData("0 0 * * 5#3", "2026-01-01", "2026-01-16 2026-02-20 2026-03-20")]
    [InlineData("0 0 * * FRI#1", "2026-01-03", "2026-02-06")]
    [InlineData("0 0 * * 5L", "2026-01-01", "2026-01-30 2026-02-27 2026-03-27")]
    [InlineData("0 0 0 L-2 * ?", "2026-01-01", "2026-01-29 2026-02-26")]
    public void Last_weekday_and_nth_weekday_fields_pick_the_days_they_name(string cron, string from, string days)
    {
        var expected = days.Split(' ');
        var fires = CronSchedule.Parse(cron, "UTC").NextOccurrences(Utc(from + "T00:00:00Z"), expected.Length);

        Assert.Equal(expected, fires.Select(f => f.UtcDateTime.ToString("yyyy-MM-dd")));
        Assert.All(fires, f => Assert.Equal(TimeSpan.Zero, f.TimeOfDay));
    }

    [Theory]
    [InlineData("@yearly", "2027-01-01 00:00:00", "2028-01-01 00:00:00")]
    [InlineData("@annually", "2027-01-01 00:00:00", "2028-01-01 00:00:00")]
    [InlineData("@monthly", "2026-02-01 00:00:00", "2026-03-01 00:00:00")]
    [InlineData("@weekly", "2026-01-18 00:00:00", "2026-01-25 00:00:00")]
    [InlineData("@daily", "2026-01-16 00:00:00", "2026-01-17 00:00:00")]
    [InlineData("@midnight", "2026-01-16 00:00:00", "2026-01-17 00:00:00")]
    [InlineData("@hourly", "2026-01-15 11:00:00", "2026-01-15 12:00:00")]
    [InlineData("@every_minute", "2026-01-15 10:21:00", "2026-01-15 10:22:00")]
    [InlineData("@every_second", "2026-01-15 10:20:31", "2026-01-15 10:20:32")]
    [InlineData(" @Daily ", "2026-01-16 00:00:00", "2026-01-17 00:00:00")]
    public void Macros_are_understood(string macro, string first, string second)
    {
        // A Thursday, mid-month, mid-hour.
        var fires = CronSchedule.Parse(macro, "UTC").NextOccurrences(Utc("2026-01-15T10:20:30.5Z"), 2);

        Assert.Equal([first, second], fires.Select(f => f.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss")));
    }

    [Fact]
    public void A_macro_is_read_in_the_schedules_time_zone()
    {
        Assert.Equal(["2026-01-15 23:00:00"], Fires("@daily", "Europe/Berlin", "2026-01-15T12:00:00Z", "2026-01-16T12:00:00Z"));
    }

    [Fact]
    public void Six_fields_put_seconds_first()
    {
        Assert.Equal(["2026-01-01 00:00:20", "2026-01-01 00:00:40", "2026-01-01 00:01:00"],
            Fires("*/20 * * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"));
    }

    [Fact]
    public void Time_zones_other_than_utc_shift_the_fire_times()
    {
        Assert.Equal(["2026-06-01 13:00:00"], Fires("0 9 * * *", "America/New_York", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z"));
    }

    [Theory]
    [InlineData("61 * * * *", "UTC", "is invalid")]
    [InlineData("* * *", "UTC", "has 3 fields")]
    [InlineData("0 0 30 2 *", "UTC", "never fires")]
    [InlineData("0 * * * *", "Mars/Olympus", "not a known IANA time zone")]
    [InlineData("0 0 32 * *", "UTC", "is invalid: The given cron expression has an invalid format. Days of month: Value must be a number between 1 and 31")]
    [InlineData("0 0 * * 5#6", "UTC", "Days of week: Value must be a number between 1 and 5")]
    [InlineData("0 0 1-5W * *", "UTC", "Days of month: Unexpected character 'W'")]
    [InlineData("@fortnightly", "UTC", "Macro: Unexpected character")]
    [InlineData("", "UTC", "has 0 fields")]
    public void Invalid_expressions_and_zones_are_refused_with_the_reason(string cron, string zone, string reason)
    {
        var error = Assert.Throws<FormatException>(() => CronSchedule.Parse(cron, zone));
        Assert.Contains(reason, error.Message);

        Assert.False(CronSchedule.TryParse(cron, zone, out var schedule, out var problem));
        Assert.Null(schedule);
        Assert.Equal(error.Message, problem);
    }

    [Fact]
    public void Try_parse_gives_the_next_fire_times_of_a_valid_schedule()
    {
        Assert.True(CronSchedule.TryParse("0 9 * * MON-FRI", "Europe/Berlin", out var schedule, out var problem));
        Assert.Null(problem);

        // Friday 2 January 2026 at noon in Berlin: the next five are the following weekdays at 09:00 CET.
        var next = schedule.NextOccurrences(Utc("2026-01-02T11:00:00Z"), 5);

        Assert.Equal(["2026-01-05 08:00:00", "2026-01-06 08:00:00", "2026-01-07 08:00:00", "2026-01-08 08:00:00", "2026-01-09 08:00:00"],
            next.Select(f => f.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss")));
        Assert.All(next, f => Assert.Equal(TimeSpan.Zero, f.Offset));
    }
}
