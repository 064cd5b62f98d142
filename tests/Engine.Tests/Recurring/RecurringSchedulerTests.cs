using System.Text.Json;
using Jobs.Engine.Recurring;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Tests.Recurring;

public sealed class RecurringSchedulerTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.Parse("2026-10-24T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Task<TestEngine> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Jobs:Server:RunMaintenance"] = "false",
            ["Jobs:Recurring:MisfireThreshold"] = "01:00:00",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }
        return TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), values, services: s => s.AddSingleton<TimeProvider>(_clock));
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private Task<List<string>> FireTimesAsync(string schedule) =>
        _schema.QueryAsync<string>("select metadata->>'fire_at' from {s}.job where metadata->>'schedule' = @schedule order by 1", new { schedule });

    [Fact]
    public async Task Several_schedulers_enqueue_exactly_one_job_per_fire_time_through_a_dst_change()
    {
        var engines = new List<TestEngine>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                engines.Add(await StartAsync());
            }
            await engines[0].Schedules.AddOrUpdateAsync("half-hourly", new ScheduleOptions
            {
                Cron = "*/30 * * * *", TimeZone = "Europe/Berlin", Kind = RecordArgs.Kind, ArgsJson = """{"tag":"tick"}""",
            });
            await engines[0].Schedules.AddOrUpdateAsync("nightly", new ScheduleOptions
            {
                Cron = "30 2 * * *", TimeZone = "Europe/Berlin", Kind = RecordArgs.Kind, ArgsJson = """{"tag":"night"}""",
            });
            var schedulers = engines.Select(e => e.Services.GetRequiredService<RecurringScheduler>()).ToList();

            // Two simulated days across the fall-back night, in 10-minute steps; every scheduler
            // looks at every step at the same moment.
            var now = _clock.GetUtcNow();
            for (var step = 0; step < 6 * 48; step++)
            {
                now += TimeSpan.FromMinutes(10);
                await Task.WhenAll(schedulers.Select(s => Task.Run(() => s.FireDueAsync(now, CancellationToken.None))));
            }

            var nightly = await FireTimesAsync("nightly");
            var halfHourly = await FireTimesAsync("half-hourly");
            // 02:30 happens twice on the 25th and fires once, at its first (summer-time) occurrence.
            Assert.Equal(["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"], nightly);
            // Every real half hour of the 48, the repeated hour included (as Hangfire): one job each.
            Assert.Equal(96, halfHourly.Count);
            Assert.Equal(halfHourly.Count, halfHourly.Distinct().Count());
            Assert.Contains("2026-10-25T01:00:00Z", halfHourly);
            Assert.Contains("2026-10-25T01:30:00Z", halfHourly);
            var args = await _schema.QueryAsync<string>("select distinct args->>'tag' from {s}.job where metadata->>'schedule' = 'nightly'");
            Assert.Equal(["night"], args);
        }
        finally
        {
            foreach (var engine in engines)
            {
                await engine.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(MisfirePolicy.Once, 3)]
    [InlineData(MisfirePolicy.Skip, 2)]
    [InlineData(MisfirePolicy.All, 11)]
    public async Task Fire_times_missed_while_nothing_ran_follow_the_misfire_policy(MisfirePolicy policy, int jobs)
    {
        await using var engine = await StartAsync(new() { ["Jobs:Recurring:MisfireThreshold"] = "00:01:00" });
        await engine.Schedules.AddOrUpdateAsync("minutely", new ScheduleOptions
        {
            Cron = "* * * * *", Kind = RecordArgs.Kind, ArgsJson = """{"tag":"m"}""", Misfire = policy,
        });
        var scheduler = engine.Services.GetRequiredService<RecurringScheduler>();

        // Down for ten minutes: fire times 22:01 to 22:11 are due, those before 22:10 count as missed.
        await scheduler.FireDueAsync(_clock.GetUtcNow().AddMinutes(11), CancellationToken.None);

        var fired = await FireTimesAsync("minutely");
        Assert.Equal(jobs, fired.Count);
        Assert.Equal("2026-10-24T22:11:00Z", fired[^1]);
        var schedule = await engine.Schedules.GetAsync("minutely");
        Assert.Equal(DateTimeOffset.Parse("2026-10-24T22:12:00Z", System.Globalization.CultureInfo.InvariantCulture), schedule!.NextFireAt);
    }

    [Fact]
    public async Task A_paused_schedule_does_not_fire_but_can_be_triggered_and_resumes_from_now()
    {
        await using var engine = await StartAsync();
        await engine.Schedules.AddOrUpdateAsync("hourly", new ScheduleOptions { Cron = "0 * * * *", Kind = RecordArgs.Kind, ArgsJson = """{"tag":"h"}""" });
        var scheduler = engine.Services.GetRequiredService<RecurringScheduler>();

        Assert.True(await engine.Schedules.PauseAsync("hourly"));
        await scheduler.FireDueAsync(_clock.GetUtcNow().AddHours(3), CancellationToken.None);
        Assert.Empty(await FireTimesAsync("hourly"));

        var triggered = await engine.Schedules.TriggerAsync("hourly");
        Assert.NotNull(triggered);
        Assert.Contains("\"h\"", (await engine.Client.GetAsync(triggered.Value))!.ArgsJson);

        _clock.Advance(TimeSpan.FromHours(3));
        Assert.True(await engine.Schedules.ResumeAsync("hourly"));
        var info = await engine.Schedules.GetAsync("hourly");
        Assert.Null(info!.PausedAt);
        Assert.Equal(_clock.GetUtcNow().AddHours(1), info.NextFireAt);
        Assert.Equal(triggered, info.LastJobId);
        // Its last outcome: the state of the job it enqueued last; none once that job is gone.
        Assert.True(await engine.Client.CancelAsync(triggered.Value));
        Assert.Equal(Jobs.Engine.States.JobState.Cancelled, (await engine.Schedules.ListAsync()).Single().LastJobState);
        Assert.True(await engine.Client.DeleteAsync(triggered.Value));
        Assert.Null((await engine.Schedules.GetAsync("hourly"))!.LastJobState);
        Assert.False(await engine.Schedules.PauseAsync("no-such-schedule"));
        Assert.Null(await engine.Schedules.TriggerAsync("no-such-schedule"));
    }

    [Fact]
    public async Task Schedules_declared_in_configuration_are_written_at_start_with_their_args()
    {
        await using var engine = await StartAsync(new()
        {
            ["Jobs:Recurring:Schedules:nightly-report:Cron"] = "0 3 * * *",
            ["Jobs:Recurring:Schedules:nightly-report:TimeZone"] = "Europe/Berlin",
            ["Jobs:Recurring:Schedules:nightly-report:Kind"] = "test.hold",
            ["Jobs:Recurring:Schedules:nightly-report:Args:ms"] = "25",
            ["Jobs:Recurring:Schedules:nightly-report:Queue"] = "reports",
            ["Jobs:Recurring:Schedules:nightly-report:Misfire"] = "Skip",
        });

        var schedule = await engine.Schedules.GetAsync("nightly-report");

        Assert.NotNull(schedule);
        Assert.True(schedule.Declared);
        Assert.Equal(("0 3 * * *", "Europe/Berlin", "reports", MisfirePolicy.Skip), (schedule.Cron, schedule.TimeZone, schedule.Queue, schedule.Misfire));
        Assert.Equal("25", JsonDocument.Parse(schedule.ArgsJson).RootElement.GetProperty("ms").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture), schedule.NextFireAt);
    }

    [Fact]
    public async Task Schedules_stored_by_the_previous_version_keep_their_next_fire_and_fire_each_time_once()
    {
        // Rows as the version before Cronos wrote them, on the night of the Berlin fall-back. It had
        // fired the half-hourly schedule at 02:30 CEST (00:30 UTC) and, skipping the repeated hour,
        // stored 03:00 CET (02:00 UTC) as its next fire; Cronos alone would say 02:00 CET (01:00 UTC).
        _clock.Set(Utc("2026-10-25T00:40:00Z"));
        await _schema.ExecuteAsync("""
            insert into {s}.schedule (name, cron, time_zone, kind, args, declared, last_fire_at, next_fire_at) values
              ('half-hourly', '*/30 * * * *', 'Europe/Berlin', 'test.record', '{"tag":"old"}', true, '2026-10-25T00:30:00Z', '2026-10-25T02:00:00Z'),
              ('nightly', '0 30 2 * * *', 'Europe/Berlin', 'test.record', '{"tag":"night"}', false, '2026-10-24T00:30:00Z', '2026-10-26T01:30:00Z'),
              ('daily', '@daily', 'UTC', 'test.record', '{"tag":"day"}', false, '2026-10-25T00:00:00Z', '2026-10-26T00:00:00Z')
            """);
        // The half-hourly schedule is still declared in configuration, unchanged: declaring it again at start keeps its next fire.
        await using var engine = await StartAsync(new()
        {
            ["Jobs:Recurring:Schedules:half-hourly:Cron"] = "*/30 * * * *",
            ["Jobs:Recurring:Schedules:half-hourly:TimeZone"] = "Europe/Berlin",
            ["Jobs:Recurring:Schedules:half-hourly:Kind"] = RecordArgs.Kind,
        });
        Assert.Equal(Utc("2026-10-25T02:00:00Z"), (await engine.Schedules.GetAsync("half-hourly"))!.NextFireAt);
        var scheduler = engine.Services.GetRequiredService<RecurringScheduler>();

        // A day and a half in 10-minute steps, every step looked at twice (as by two servers).
        var now = _clock.GetUtcNow();
        while (now < Utc("2026-10-26T12:00:00Z"))
        {
            now += TimeSpan.FromMinutes(10);
            await scheduler.FireDueAsync(now, CancellationToken.None);
            await scheduler.FireDueAsync(now, CancellationToken.None);
        }

        var halfHourly = await FireTimesAsync("half-hourly");
        Assert.Equal("2026-10-25T02:00:00Z", halfHourly[0]);
        Assert.Equal(halfHourly.Count, halfHourly.Distinct().Count());
        // 02:00 UTC on the 25th to 12:00 UTC on the 26th: 34 hours, 69 half hours, none twice.
        Assert.Equal(69, halfHourly.Count);
        Assert.Equal(["2026-10-26T01:30:00Z"], await FireTimesAsync("nightly"));
        Assert.Equal(["2026-10-26T00:00:00Z"], await FireTimesAsync("daily"));
        var schedules = (await engine.Schedules.ListAsync()).ToDictionary(s => s.Name);
        Assert.Equal(Utc("2026-10-26T12:30:00Z"), schedules["half-hourly"].NextFireAt);
        Assert.Equal(Utc("2026-10-27T01:30:00Z"), schedules["nightly"].NextFireAt);
        Assert.Equal(Utc("2026-10-27T00:00:00Z"), schedules["daily"].NextFireAt);
    }

    [Fact]
    public async Task A_stored_schedule_the_parser_refuses_stops_firing_and_the_log_says_why()
    {
        await _schema.ExecuteAsync("""
            insert into {s}.schedule (name, cron, time_zone, kind, next_fire_at)
            values ('by-hand', '0 0 32 * *', 'UTC', 'test.record', '2026-10-24T21:00:00Z')
            """);
        await using var engine = await StartAsync();

        await engine.Services.GetRequiredService<RecurringScheduler>().FireDueAsync(_clock.GetUtcNow(), CancellationToken.None);

        Assert.Empty(await FireTimesAsync("by-hand"));
        Assert.Null((await engine.Schedules.GetAsync("by-hand"))!.NextFireAt);
        Assert.Contains(engine.Logs.Lines, l => l.EventId.Id == 2431
            && l.Message.Contains("by-hand", StringComparison.Ordinal)
            && l.Message.Contains("Days of month: Value must be a number between 1 and 31", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0 0 32 * *", "Days of month: Value must be a number between 1 and 31")]
    [InlineData("0 0 * * 5#6", "Days of week: Value must be a number between 1 and 5")]
    [InlineData("0 0 * *", "has 4 fields")]
    [InlineData("0 0 30 2 *", "never fires")]
    public async Task A_schedule_whose_cron_does_not_parse_is_refused_with_the_parsers_reason(string cron, string reason)
    {
        await using var engine = await StartAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.Schedules.AddOrUpdateAsync("broken", new ScheduleOptions { Cron = cron, Kind = RecordArgs.Kind }));

        Assert.Contains($"Schedule 'broken': ", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Empty(await engine.Schedules.ListAsync());
    }

    [Theory]
    [InlineData("Cron", "not cron", "Jobs:Recurring:Schedules:broken: Cron expression 'not cron' has 2 fields")]
    [InlineData("Cron", "0 0 L-40 * *", "Jobs:Recurring:Schedules:broken: Cron expression '0 0 L-40 * *' is invalid: The given cron expression has an invalid format. Days of month:")]
    [InlineData("TimeZone", "Nowhere/Else", "Jobs:Recurring:Schedules:broken: Time zone 'Nowhere/Else' is not a known IANA time zone")]
    public async Task An_invalid_declared_schedule_fails_start_naming_it(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:Server:RunMaintenance"] = "false",
            ["Jobs:Recurring:Schedules:broken:Cron"] = "0 * * * *",
            ["Jobs:Recurring:Schedules:broken:Kind"] = "test.record",
        };
        settings[$"Jobs:Recurring:Schedules:broken:{key}"] = value;
        using var host = TestEngine.Build(_schema, jobs => jobs.AddTestHandlers(), settings, server: true, null, out _);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message);
    }
}
