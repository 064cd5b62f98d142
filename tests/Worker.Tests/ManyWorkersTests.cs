using System.Globalization;
using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.Diagnostics;
using Jobs.Testing;

namespace Jobs.Worker.Tests;

/// <summary>Limits that hold across worker processes, not only within one.</summary>
public sealed class ManyWorkersTests : WorkerTestBase
{
    private const int GlobalLimit = 3;
    private const int PartitionLimit = 1;

    [Fact]
    public async Task Global_and_partition_limits_hold_across_two_worker_processes_and_no_job_runs_twice()
    {
        // Two workers per process: one process alone cannot reach the global limit, so reaching it takes both.
        var settings = new Dictionary<string, string>
        {
            ["Jobs__Server__Queues__default"] = "2",
            ["Jobs__Kinds__diag.sleep__GlobalLimit"] = GlobalLimit.ToString(CultureInfo.InvariantCulture),
            ["Jobs__Kinds__diag.sleep__PartitionLimit"] = PartitionLimit.ToString(CultureInfo.InvariantCulture),
            ["Serilog__MinimumLevel__Override__Jobs.Engine"] = "Debug",
        };
        using var first = HostProcess.StartWorker(Schema, settings);
        using var second = HostProcess.StartWorker(Schema, settings);
        await Eventually.ReturnsAsync(() => Schema.ScalarAsync<long>("select count(*) from {s}.server"), n => n == 2, "both workers to register");

        var partitions = new Dictionary<long, string>();
        var jobs = await Engine.Client.EnqueueManyAsync(Enumerable.Range(0, 24)
            .Select(i => JobRequest.Create(new SleepArgs(100), new EnqueueOptions { PartitionKey = "p" + (i % 4).ToString(CultureInfo.InvariantCulture) }))
            .ToList());
        for (var i = 0; i < jobs.Count; i++)
        {
            partitions[jobs[i].Id] = "p" + (i % 4).ToString(CultureInfo.InvariantCulture);
        }
        await Eventually.ReturnsAsync(() => Schema.ScalarAsync<long>("select count(*) from {s}.job where state = 'succeeded'"),
            n => n == jobs.Count, "every job to succeed", TimeSpan.FromSeconds(90));
        first.Terminate();
        second.Terminate();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await second.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Each attempt's start (event 2001) and success (2002), as both processes logged them on one clock.
        var runs = Runs(first).Concat(Runs(second)).ToList();
        Assert.Equal(jobs.Select(j => j.Id).Order(), runs.Select(r => r.JobId).Order());
        Assert.True(Runs(first).Any() && Runs(second).Any(), "both processes ran jobs");
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.job where attempt <> 1"));
        Assert.InRange(MaxAtOnce(runs), 1, GlobalLimit);
        foreach (var partition in runs.GroupBy(r => partitions[r.JobId]))
        {
            Assert.InRange(MaxAtOnce(partition), 1, PartitionLimit);
        }
    }

    private sealed record Run(long JobId, DateTimeOffset Start, DateTimeOffset End);

    private static IEnumerable<Run> Runs(HostProcess worker)
    {
        var events = worker.LogEvents.Where(e => EventId(e) is 2001 or 2002).ToList();
        var starts = events.Where(e => EventId(e) == 2001).ToDictionary(e => e.GetProperty("JobId").GetInt64(), Time);
        return events.Where(e => EventId(e) == 2002)
            .Select(e => new Run(e.GetProperty("JobId").GetInt64(), starts[e.GetProperty("JobId").GetInt64()], Time(e)));
    }

    /// <summary>The most runs in progress at one instant (back to back is not at once).</summary>
    private static int MaxAtOnce(IEnumerable<Run> runs)
    {
        int now = 0, max = 0;
        foreach (var (_, delta) in runs.SelectMany(r => new[] { (r.Start, 1), (r.End, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2))
        {
            now += delta;
            max = Math.Max(max, now);
        }
        return max;
    }

    private static DateTimeOffset Time(JsonElement e) => DateTimeOffset.Parse(e.GetProperty("@t").GetString()!, CultureInfo.InvariantCulture);

    private static int EventId(JsonElement e) =>
        e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Id", out var value) ? value.GetInt32() : 0;
}
