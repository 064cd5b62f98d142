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
    public void An_interval_schedule_keeps_distinct_instants_through_both_changes()
    {
        var spring = Fires("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z");
        var autumn = Fires("*/30 * * * *", "Europe/Berlin", "2026-10-24T23:00:00Z", "2026-10-25T02:30:00Z");

        Assert.Equal(["2026-03-29 00:30:00", "2026-03-29 01:00:00", "2026-03-29 01:30:00", "2026-03-29 02:00:00"], spring);
        // 02:00 and 02:30 fire in the first (summer-time) pass only; the repeated hour stays quiet.
        Assert.Equal(["2026-10-24 23:30:00", "2026-10-25 00:00:00", "2026-10-25 00:30:00", "2026-10-25 02:00:00", "2026-10-25 02:30:00"], autumn);
        Assert.Equal(spring.Count, spring.Distinct().Count());
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

    [Fact]
    public void Macros_are_understood()
    {
        Assert.Equal(["2026-01-01 01:00:00", "2026-01-01 02:00:00"], Fires("@hourly", "UTC", "2026-01-01T00:30:00Z", "2026-01-01T02:00:00Z"));
    }

    [Theory]
    [InlineData("61 * * * *", "UTC", "is invalid")]
    [InlineData("* * *", "UTC", "has 3 fields")]
    [InlineData("0 0 30 2 *", "UTC", "never fires")]
    [InlineData("0 * * * *", "Mars/Olympus", "not a known IANA time zone")]
    public void Invalid_expressions_and_zones_are_refused_with_the_reason(string cron, string zone, string reason)
    {
        var error = Assert.Throws<FormatException>(() => CronSchedule.Parse(cron, zone));
        Assert.Contains(reason, error.Message);
    }
}
