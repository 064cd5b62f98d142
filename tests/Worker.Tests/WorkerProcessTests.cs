using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Jobs.Engine.Diagnostics;

namespace Jobs.Worker.Tests;

/// <summary>The worker as operators run it: a process that crashes, or is told to stop.</summary>
public sealed class WorkerProcessTests : WorkerTestBase
{
    [Fact]
    public async Task Jobs_of_a_killed_worker_are_rescued_by_another_and_finish()
    {
        var job = await Engine.Client.EnqueueAsync(new SleepArgs(1500));
        using (var doomed = HostProcess.StartWorker(Schema))
        {
            await WaitForAsync(job.Id, j => j.State == JobState.Running, "the first worker to start the job");
            doomed.Crash();
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(JobState.Running, (await Engine.Client.GetAsync(job.Id))!.State);

        using var survivor = HostProcess.StartWorker(Schema);
        var info = await WaitForAsync(job.Id, j => j.State == JobState.Succeeded, "the second worker to rescue and finish the job");

        Assert.Equal(2, info.Attempt);
        Assert.Equal("rescued", Assert.Single(info.Errors).Type);
    }

    [Fact]
    public async Task Sigterm_drains_then_hands_unfinished_jobs_back_and_exits_cleanly()
    {
        var quick = await Engine.Client.EnqueueAsync(new SleepArgs(500));
        var slow = await Engine.Client.EnqueueAsync(new SleepArgs(60_000));
        using var worker = HostProcess.StartWorker(Schema, new Dictionary<string, string>
        {
            ["Jobs__Server__DrainTimeout"] = "00:00:02",
            ["Serilog__MinimumLevel__Override__Jobs.Engine"] = "Debug",
        });
        // Started by a worker, not only claimed: claimed jobs no worker started are handed back at once.
        await Eventually.TrueAsync(() => Task.FromResult(Started(worker, quick.Id) && Started(worker, slow.Id)),
            "both jobs to start", TimeSpan.FromSeconds(60));

        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{worker.Output}");
        Assert.Equal(JobState.Succeeded, (await Engine.Client.GetAsync(quick.Id))!.State);
        var handedBack = await Engine.Client.GetAsync(slow.Id);
        Assert.Equal(JobState.Available, handedBack!.State);
        Assert.Equal(0, handedBack.Attempt);
        Assert.Empty(handedBack.Errors);
        Assert.True(worker.Output.Contains("handed back", StringComparison.OrdinalIgnoreCase), worker.Output);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("select count(*) from {s}.server"));
    }

    /// <summary>Whether the worker logged that the job's first attempt started (event 2001).</summary>
    private static bool Started(HostProcess worker, long id) =>
        worker.LogEvents.Any(e => e.TryGetProperty("EventId", out var eventId) && eventId.GetProperty("Id").GetInt32() == 2001 &&
            e.GetProperty("JobId").GetInt64() == id && e.GetProperty("Attempt").GetInt32() == 1);

    [Fact]
    public async Task Logs_are_json_lines_and_every_line_a_job_logs_carries_its_id_kind_attempt_queue_and_correlation_id()
    {
        var job = await Engine.Client.EnqueueAsync(new FailArgs("boom from the test", Permanent: true),
            new EnqueueOptions { CorrelationId = "order-4711" });
        using var worker = HostProcess.StartWorker(Schema, new Dictionary<string, string>
        {
            ["Serilog__MinimumLevel__Override__Jobs.Engine"] = "Debug",
        });

        await WaitForAsync(job.Id, j => j.State == JobState.Dead, "the job to die");
        worker.Terminate();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Every line of the output is one JSON object (CLEF): nothing else goes to the console.
        var lines = worker.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith("{\"@t\":", line));
        var ofJob = worker.LogEvents.Where(e => e.TryGetProperty("JobId", out var id) && id.GetInt64() == job.Id).ToList();
        Assert.Contains(ofJob, e => e.GetProperty("@m").GetString()!.Contains("attempt 1 started", StringComparison.Ordinal));
        var dead = Assert.Single(ofJob, e => e.GetProperty("@m").GetString()!.Contains("boom from the test", StringComparison.Ordinal));
        Assert.Equal("Error", dead.GetProperty("@l").GetString());
        Assert.All(ofJob, e =>
        {
            Assert.Equal("diag.fail", e.GetProperty("Kind").GetString());
            Assert.Equal(1, e.GetProperty("Attempt").GetInt32());
            Assert.Equal("default", e.GetProperty("Queue").GetString());
            Assert.Equal("order-4711", e.GetProperty("CorrelationId").GetString());
        });
    }
}
