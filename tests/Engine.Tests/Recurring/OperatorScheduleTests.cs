using Jobs.Engine.Client;
using Jobs.Engine.Recurring;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Recurring;

/// <summary>Schedules operators make at run time beside those declared in code, and cancelling with a reason.</summary>
public sealed class OperatorScheduleTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.Parse("2026-03-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private Task<TestEngine> StartAsync() => TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), new Dictionary<string, string?>
    {
        ["Jobs:Server:RunMaintenance"] = "false",
        ["Jobs:Recurring:Schedules:declared:Cron"] = "0 3 * * *",
        ["Jobs:Recurring:Schedules:declared:Kind"] = RecordArgs.Kind,
    }, services: s => s.AddSingleton<TimeProvider>(_clock));

    private static ScheduleOptions Daily(string cron) => new() { Cron = cron, Kind = RecordArgs.Kind };

    [Fact]
    public async Task Creating_never_replaces_a_schedule_and_updating_never_touches_a_declared_one()
    {
        await using var engine = await StartAsync();

        Assert.True(await engine.Schedules.CreateAsync("made", Daily("0 6 * * *")));
        Assert.False(await engine.Schedules.CreateAsync("made", Daily("0 7 * * *")));
        Assert.False(await engine.Schedules.CreateAsync("declared", Daily("0 7 * * *")));
        Assert.False(await engine.Schedules.UpdateAsync("declared", Daily("0 7 * * *")));
        Assert.False(await engine.Schedules.UpdateAsync("nothing", Daily("0 7 * * *")));

        Assert.Equal("0 6 * * *", (await engine.Schedules.GetAsync("made"))!.Cron);
        var declared = (await engine.Schedules.GetAsync("declared"))!;
        Assert.Equal("0 3 * * *", declared.Cron);
        Assert.True(declared.Declared);
        Assert.False((await engine.Schedules.GetAsync("made"))!.Declared);
    }

    [Fact]
    public async Task Updating_moves_the_next_fire_only_when_the_timing_changes_and_keeps_a_pause()
    {
        await using var engine = await StartAsync();
        await engine.Schedules.CreateAsync("made", Daily("0 6 * * *"));
        await engine.Schedules.PauseAsync("made");

        Assert.True(await engine.Schedules.UpdateAsync("made", new ScheduleOptions { Cron = "0 6 * * *", Kind = RecordArgs.Kind, ArgsJson = """{"tag":"new"}""" }));
        var same = (await engine.Schedules.GetAsync("made"))!;
        Assert.True(await engine.Schedules.UpdateAsync("made", Daily("30 8 * * *")));
        var moved = (await engine.Schedules.GetAsync("made"))!;

        Assert.Equal(DateTimeOffset.Parse("2026-03-03T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture), same.NextFireAt);
        Assert.Contains("new", same.ArgsJson);
        Assert.NotNull(same.PausedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-03-03T08:30:00Z", System.Globalization.CultureInfo.InvariantCulture), moved.NextFireAt);
        Assert.NotNull(moved.PausedAt);
    }

    [Fact]
    public async Task Cancelling_with_a_reason_records_it_on_each_unfinished_job_only()
    {
        await using var engine = await StartAsync();
        var waiting = await engine.Client.EnqueueAsync(new RecordArgs("w"), new EnqueueOptions { Delay = TimeSpan.FromHours(1), PartitionKey = "p1" });
        var other = await engine.Client.EnqueueAsync(new RecordArgs("o"), new EnqueueOptions { Delay = TimeSpan.FromHours(1), PartitionKey = "p2" });

        var cancelled = await engine.Client.CancelManyAsync(new JobFilter { PartitionKey = "p1" }, "the partition went away");

        Assert.Equal(1, cancelled);
        var job = (await engine.Client.GetAsync(waiting.Id))!;
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Contains("\"cancel_reason\": \"the partition went away\"", job.MetadataJson);
        Assert.Equal(JobState.Scheduled, (await engine.Client.GetAsync(other.Id))!.State);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.Client.CancelManyAsync(new JobFilter { PartitionKey = "p2" }, " "));
    }
}
