using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Jobs.Engine.Diagnostics;

namespace Jobs.Worker.Tests;

/// <summary>The worker as operators run it: a process that crashes, or is told to stop.</summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private TestSchema _schema = null!;
    private TestEngine _client = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync();
        _client = await TestEngine.StartAsync(_schema, server: false);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _schema.DisposeAsync();
    }

    private Task<JobInfo> WaitForAsync(long id, Func<JobInfo, bool> condition, string what, TimeSpan? limit = null) =>
        Eventually.ReturnsAsync(async () => (await _client.Client.GetAsync(id))!, condition, what, limit ?? TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Jobs_of_a_killed_worker_are_rescued_by_another_and_finish()
    {
        var job = await _client.Client.EnqueueAsync(new SleepArgs(1500));
        using (var doomed = WorkerProcess.Start(_schema))
        {
            await WaitForAsync(job.Id, j => j.State == JobState.Running, "the first worker to start the job");
            doomed.Crash();
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(JobState.Running, (await _client.Client.GetAsync(job.Id))!.State);

        using var survivor = WorkerProcess.Start(_schema);
        var info = await WaitForAsync(job.Id, j => j.State == JobState.Succeeded, "the second worker to rescue and finish the job");

        Assert.Equal(2, info.Attempt);
        Assert.Equal("rescued", Assert.Single(info.Errors).Type);
    }

    [Fact]
    public async Task Sigterm_drains_then_hands_unfinished_jobs_back_and_exits_cleanly()
    {
        var quick = await _client.Client.EnqueueAsync(new SleepArgs(500));
        var slow = await _client.Client.EnqueueAsync(new SleepArgs(60_000));
        using var worker = WorkerProcess.Start(_schema, new Dictionary<string, string>
        {
            ["Jobs__Server__DrainTimeout"] = "00:00:02",
            ["Serilog__MinimumLevel__Override__Jobs.Engine"] = "Debug",
        });
        // Started by a worker, not only claimed: claimed jobs no worker started are handed back at once.
        await Eventually.TrueAsync(() => Task.FromResult(
                worker.Output.Contains($"Job {quick.Id} (diag.sleep) attempt 1 started") &&
                worker.Output.Contains($"Job {slow.Id} (diag.sleep) attempt 1 started")),
            "both jobs to start", TimeSpan.FromSeconds(60));

        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{worker.Output}");
        Assert.Equal(JobState.Succeeded, (await _client.Client.GetAsync(quick.Id))!.State);
        var handedBack = await _client.Client.GetAsync(slow.Id);
        Assert.Equal(JobState.Available, handedBack!.State);
        Assert.Equal(0, handedBack.Attempt);
        Assert.Empty(handedBack.Errors);
        Assert.True(worker.Output.Contains("handed back", StringComparison.OrdinalIgnoreCase), worker.Output);
        Assert.Equal(0L, await _schema.ScalarAsync<long>("select count(*) from {s}.server"));
    }

    [Fact]
    public async Task Every_line_a_job_logs_carries_its_id_kind_and_attempt()
    {
        var job = await _client.Client.EnqueueAsync(new FailArgs("boom from the test", Permanent: true));
        using var worker = WorkerProcess.Start(_schema);

        await WaitForAsync(job.Id, j => j.State == JobState.Dead, "the job to die");
        worker.Terminate();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var line = worker.Output.Split('\n').Single(l => l.Contains("boom from the test") && l.Contains("is dead"));
        Assert.Contains($"job {job.Id} diag.fail #1 ", line);
    }
}
