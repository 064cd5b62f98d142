using Hangfire;
using Jobs.Engine.States;
using Hangfire.Storage;
using Jobs.Testing;

namespace Jobs.Hangfire.Tests;

/// <summary>RecurringJob.AddOrUpdate, TriggerJob and RemoveIfExists act on the engine's schedules.</summary>
public sealed class RecurringTests : HangfireTestBase
{
    private RecurringJobManager Manager => new(Storage);

    [Fact]
    public async Task A_recurring_job_is_an_engine_schedule_that_trigger_fires_once_and_remove_deletes()
    {
        Manager.AddOrUpdate("nightly-" + Key, () => StaticJobs.Critical(Key), "30 2 * * 1-5",
            new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin") });

        var schedule = (await Engine.Schedules.GetAsync("nightly-" + Key))!;
        Assert.Equal("30 2 * * 1-5", schedule.Cron);
        Assert.Equal("Europe/Berlin", schedule.TimeZone);
        Assert.Equal("hangfire.job", schedule.Kind);
        Assert.Equal("critical", schedule.Queue);
        Assert.NotNull(schedule.NextFireAt);
        Assert.Contains("nightly-" + Key, Storage.GetConnection().GetRecurringJobs().Select(r => r.Id));

        var triggered = Manager.TriggerJob("nightly-" + Key);

        var job = await StateAsync(triggered, JobState.Succeeded);
        Assert.Equal("critical", job.Queue);
        Assert.Equal(["critical"], Probe.Of(Key).Select(r => r.What));
        Assert.Contains("\"schedule\": \"nightly-" + Key + "\"", job.MetadataJson);
        // The trigger is the schedule's last fire, for the engine and for Hangfire's recurring jobs page.
        var fired = (await Engine.Schedules.GetAsync("nightly-" + Key))!;
        Assert.Equal(job.Id, fired.LastJobId);
        Assert.NotNull(fired.LastFireAt);
        var recurring = Storage.GetConnection().GetRecurringJobs().Single(r => r.Id == "nightly-" + Key);
        Assert.Equal(triggered, recurring.LastJobId);
        Assert.NotNull(recurring.LastExecution);

        Manager.RemoveIfExists("nightly-" + Key);
        Assert.Null(await Engine.Schedules.GetAsync("nightly-" + Key));
    }

    [Fact]
    public async Task Adding_the_same_recurring_job_again_keeps_its_next_fire_and_a_change_updates_it()
    {
        Manager.AddOrUpdate("same-" + Key, () => StaticJobs.Record(Key, "x"), Cron.Daily(3));
        var first = (await Engine.Schedules.GetAsync("same-" + Key))!;
        Manager.AddOrUpdate("same-" + Key, () => StaticJobs.Record(Key, "x"), Cron.Daily(3));
        Assert.Equal(first.NextFireAt, (await Engine.Schedules.GetAsync("same-" + Key))!.NextFireAt);

        Manager.AddOrUpdate("same-" + Key, () => StaticJobs.Record(Key, "y"), Cron.Hourly());

        var changed = (await Engine.Schedules.GetAsync("same-" + Key))!;
        Assert.Equal("0 * * * *", changed.Cron);
        Assert.Contains("\\u0022y\\u0022", changed.ArgsJson.Replace("\\\"", "\\u0022", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cron_with_the_last_day_of_the_month_and_a_time_zone_fires_through_the_engine()
    {
        // Hangfire's cron dialect (Cronos) has L; the engine reads the expression itself.
        Manager.AddOrUpdate("month-end-" + Key, () => StaticJobs.Record(Key, "month-end"), "0 18 L * *",
            new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") });

        var schedule = (await Engine.Schedules.GetAsync("month-end-" + Key))!;
        Assert.Equal("0 18 L * *", schedule.Cron);
        var next = TimeZoneInfo.ConvertTime(schedule.NextFireAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal(DateTime.DaysInMonth(next.Year, next.Month), next.Day);
        Assert.Equal(18, next.Hour);
    }

    [Fact]
    public async Task A_due_recurring_job_fires_one_job_per_fire_time()
    {
        Manager.AddOrUpdate("every-second-" + Key, () => StaticJobs.Record(Key, "tick"), "* * * * * *");

        await Eventually.TrueAsync(async () => await Schema.ScalarAsync<long>(
            "select count(*) from {s}.job where metadata ->> 'schedule' = @name and state = 'succeeded'", new { name = "every-second-" + Key }) >= 2,
            "two fires of the schedule", TimeSpan.FromSeconds(30));
        Manager.RemoveIfExists("every-second-" + Key);
        var fires = await Schema.QueryAsync<string>("select metadata ->> 'fire_at' from {s}.job where metadata ->> 'schedule' = @name",
            new { name = "every-second-" + Key });
        Assert.Equal(fires.Count, fires.Distinct().Count());
    }
}
