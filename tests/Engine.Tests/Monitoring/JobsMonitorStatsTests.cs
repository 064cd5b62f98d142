using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Engine.Server;
using Jobs.Engine.Storage;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jobs.Engine.Tests.Monitoring;

/// <summary>Wait and run times per queue and kind: each server's histograms add up in job_stats, and percentiles come from their sum.</summary>
public sealed class JobsMonitorStatsTests : ClientTestBase
{
    private JobsMonitor Monitor => Engine.Services.GetRequiredService<JobsMonitor>();

    private StatsCollector Collector() =>
        new(Engine.Services.GetRequiredService<JobStore>(), TimeProvider.System, NullLogger<StatsCollector>.Instance);

    [Fact]
    public async Task Two_servers_times_add_up_and_percentiles_read_the_sum()
    {
        var fast = Collector();
        var slow = Collector();
        for (var i = 0; i < 90; i++)
        {
            fast.Record("mail", "invoice.send", "succeeded", TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(150));
        }
        for (var i = 0; i < 10; i++)
        {
            slow.Record("mail", "invoice.send", i < 4 ? "retrying" : "succeeded", TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(4));
        }
        slow.Record("mail", "invoice.send", "snoozed", TimeSpan.FromHours(2), TimeSpan.FromHours(2));
        fast.Record("other", "report.build", "dead", TimeSpan.Zero, TimeSpan.FromHours(3));
        await fast.FlushAsync(CancellationToken.None);
        await slow.FlushAsync(CancellationToken.None);
        // A second flush of the same minute adds to the row instead of replacing it.
        fast.Record("mail", "invoice.send", "succeeded", TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(150));
        await fast.FlushAsync(CancellationToken.None);

        var stats = await Monitor.StatsByQueueAndKindAsync();
        var mail = stats.Queues.Single(q => q.Name == "mail");
        var report = stats.Kinds.Single(k => k.Name == "report.build");

        Assert.Equal(["other", "mail"], stats.Queues.Select(q => q.Name).OrderDescending());
        Assert.Equal(60, mail.PerMinute.Count);
        Assert.Equal(101, mail.Total);
        Assert.Equal(4, mail.FailedPerMinute.Sum());
        Assert.Equal(101, mail.Run.Count);
        Assert.Equal(200, mail.Run.P50);
        Assert.Equal(5_000, mail.Run.P95);
        Assert.Equal(5, mail.Wait.P50);
        Assert.Equal(60_000, mail.Wait.P99);
        Assert.Equal(double.PositiveInfinity, report.Run.P50);
        Assert.Equal(12, mail.RunByBucket.Count);
        Assert.Equal(101, mail.RunByBucket.Sum(b => b.Count));
    }

    [Fact]
    public async Task A_filtered_lists_state_counts_are_exact_up_to_the_cap_and_lower_bounds_past_it()
    {
        Monitor.TabsCountBudget = TimeSpan.FromSeconds(30);
        await Schema.ExecuteAsync("insert into {s}.job (kind, queue, state, args, max_attempts, tags, finalized_at) " +
            "select 'k', 'default', case when g % 2 = 0 then 'dead' else 'available' end, '{}', 25, array[case when g <= 6 then 'few' else 'many' end], " +
            "case when g % 2 = 0 then now() end " +
            $"from generate_series(1, {JobsMonitor.CountCap + 7}) g");

        var few = (await Monitor.CountByStateAsync(new Jobs.Engine.Client.JobFilter { Tag = "few", States = [JobState.Dead] })).ToDictionary(c => c.State);
        var many = (await Monitor.CountByStateAsync(new Jobs.Engine.Client.JobFilter { Tag = "many" })).ToDictionary(c => c.State);

        Assert.Equal((3L, true), (few[JobState.Dead].Jobs!.Value, few[JobState.Dead].Exact));
        Assert.Equal((3L, true), (few[JobState.Available].Jobs!.Value, few[JobState.Available].Exact));
        Assert.Equal((0L, true), (few[JobState.Running].Jobs!.Value, few[JobState.Running].Exact));
        Assert.False(many[JobState.Available].Exact);
        Assert.Equal(JobsMonitor.CountCap + 1, many.Values.Sum(c => c.Jobs!.Value));
    }

    [Fact]
    public void Percentiles_are_the_bound_of_the_bucket_the_rank_falls_in()
    {
        var histogram = new long[StatsHistogram.Length];
        histogram[StatsHistogram.BucketOf(TimeSpan.FromMilliseconds(7))] = 50;
        histogram[StatsHistogram.BucketOf(TimeSpan.FromMilliseconds(700))] = 50;

        Assert.Equal(10, StatsHistogram.Percentile(histogram, 0.50));
        Assert.Equal(1_000, StatsHistogram.Percentile(histogram, 0.51));
        Assert.Null(StatsHistogram.Percentile(new long[StatsHistogram.Length], 0.5));
        Assert.Equal(StatsHistogram.BoundsMs.Count, StatsHistogram.BucketOf(TimeSpan.FromHours(2)));
    }
}
