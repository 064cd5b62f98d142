using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Server;

/// <summary>Crash recovery (rescue of stale servers) and graceful shutdown.</summary>
public sealed class RecoveryTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    /// <summary>A job held by a server that stopped heartbeating a minute ago, as a crash leaves it.</summary>
    private async Task<long> JobOfADeadServerAsync(int attempt, int maxAttempts)
    {
        await _schema.ExecuteAsync("""
            insert into {s}.server (id, host, pid, queues, heartbeat_at) values ('ghost', 'gone', 1, '{}', now() - interval '1 minute')
            on conflict do nothing
            """);
        return await _schema.ScalarAsync<long>("""
            insert into {s}.job (kind, queue, state, args, attempt, max_attempts, attempted_at, attempted_by, server_id)
            values ('test.record', 'default', 'running', '{"tag":"orphan"}', @attempt, @maxAttempts, now() - interval '1 minute', 'ghost', 'ghost')
            returning id
            """, new { attempt, maxAttempts });
    }

    [Fact]
    public async Task Jobs_of_a_server_whose_heartbeat_stopped_are_rescued_and_run_again()
    {
        var orphan = await JobOfADeadServerAsync(attempt: 1, maxAttempts: 5);
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe));

        var info = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(orphan))!, j => j.State == JobState.Succeeded,
            "the orphan to be rescued and run");

        Assert.Equal(2, info.Attempt);
        var rescue = Assert.Single(info.Errors);
        Assert.Equal(("rescued", 1, "ghost"), (rescue.Type, rescue.Attempt, rescue.Server));
        Assert.Equal(0L, await _schema.ScalarAsync<long>("select count(*) from {s}.server where id = 'ghost'"));
    }

    /// <summary>
    /// A failover to a replica can leave the new primary holding a claim for a live server that the server
    /// never received (the claim committed, its answer was lost with the old primary) or already finished
    /// (its completion never reached the replica). The server heartbeats, so the rescuer leaves it alone.
    /// </summary>
    [Fact]
    public async Task A_job_the_database_holds_for_a_live_server_that_the_server_does_not_hold_runs_again()
    {
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe));
        var lost = await _schema.ScalarAsync<long>("""
            insert into {s}.job (kind, queue, state, args, attempt, max_attempts, attempted_at, attempted_by, server_id)
            values ('test.record', 'default', 'running', '{"tag":"lost-claim"}', 1, 5, now() - interval '1 minute', @server, @server)
            returning id
            """, new { server = engine.Server.Identity.Id });

        var info = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(lost))!, j => j.State == JobState.Succeeded,
            "the job the server never received to run again");

        Assert.Equal(2, info.Attempt);
        var returned = Assert.Single(info.Errors);
        Assert.Equal(("orphaned", 1, engine.Server.Identity.Id), (returned.Type, returned.Attempt, returned.Server));
        Assert.Equal(1, _probe.Count(lost));
        Assert.Equal(1L, await _schema.ScalarAsync<long>("select count(*) from {s}.server"));
    }

    [Fact]
    public async Task Jobs_the_server_holds_running_or_waiting_for_a_worker_longer_than_the_server_timeout_are_never_taken_for_orphans()
    {
        // One worker: the second job waits, claimed or not, while the first runs past the server timeout (2 s in tests).
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(),
            new Dictionary<string, string?> { ["Jobs:Server:Queues:default"] = "1" }, services: s => s.AddSingleton(_probe));
        var jobs = await engine.Client.EnqueueManyAsync([JobRequest.Create(new HoldArgs(3000)), JobRequest.Create(new HoldArgs(3000))]);

        foreach (var job in jobs)
        {
            var info = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(job.Id))!, j => j.State == JobState.Succeeded,
                "the long jobs to finish");
            Assert.Equal(1, info.Attempt);
            Assert.Empty(info.Errors);
            Assert.Equal(1, _probe.Count(job.Id));
        }
    }

    [Fact]
    public async Task A_rescued_job_with_no_attempts_left_is_dead_so_a_job_that_kills_its_server_cannot_loop()
    {
        var orphan = await JobOfADeadServerAsync(attempt: 3, maxAttempts: 3);
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe));

        var info = await Eventually.ReturnsAsync(async () => (await engine.Client.GetAsync(orphan))!, j => j.State == JobState.Dead,
            "the orphan to be declared dead");

        Assert.Equal("rescued", Assert.Single(info.Errors).Type);
        Assert.Equal(0, _probe.Count(orphan));
    }

    [Fact]
    public async Task A_live_server_keeps_its_jobs()
    {
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe));
        var job = await engine.Client.EnqueueAsync(new HoldArgs(3000));
        await Eventually.TrueAsync(() => Task.FromResult(_probe.Count(job.Id) == 1), "the job to start");

        // Several rescue passes go by (heartbeat 200 ms, timeout 2 s): the job stays with its server.
        await Eventually.TrueAsync(async () => (await engine.Client.GetAsync(job.Id))!.State == JobState.Succeeded, "the job to finish");
        Assert.Equal(1, _probe.Count(job.Id));
        Assert.Empty((await engine.Client.GetAsync(job.Id))!.Errors);
    }

    [Fact]
    public async Task Shutdown_lets_short_jobs_finish_and_hands_the_rest_back_without_spending_attempts()
    {
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), new Dictionary<string, string?>
        {
            ["Jobs:Server:Queues:default"] = "3",
            ["Jobs:Server:DrainTimeout"] = "00:00:00.500",
        }, services: s => s.AddSingleton(_probe));
        var stuck1 = await engine.Client.EnqueueAsync(new HoldArgs(-1));
        var stuck2 = await engine.Client.EnqueueAsync(new HoldArgs(-1));
        var quick = await engine.Client.EnqueueAsync(new HoldArgs(200));
        await Eventually.TrueAsync(() => Task.FromResult(_probe.Executions.Count == 3), "all three to start");

        await engine.StopAsync();

        var quickInfo = await engine.Client.GetAsync(quick.Id);
        Assert.Equal(JobState.Succeeded, quickInfo!.State);
        foreach (var id in new[] { stuck1.Id, stuck2.Id })
        {
            var info = await engine.Client.GetAsync(id);
            Assert.Equal(JobState.Available, info!.State);
            Assert.Equal(0, info.Attempt);
            Assert.Empty(info.Errors);
            Assert.Contains(id, _probe.TokenFired);
        }
        Assert.Equal(0L, await _schema.ScalarAsync<long>("select count(*) from {s}.server"));
        Assert.Equal(0L, await _schema.ScalarAsync<long>("select count(*) from {s}.job where server_id is not null"));
    }

    [Fact]
    public async Task Disposing_the_server_while_the_host_stops_it_waits_for_that_stop_to_finish()
    {
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe));
        var job = await engine.Client.EnqueueAsync(new HoldArgs(1_000));
        await Eventually.TrueAsync(() => Task.FromResult(_probe.Count(job.Id) == 1), "the job to start");

        // The host's stop drains the running job; a dispose arriving meanwhile must neither return
        // early nor pull the server's token source from under that stop.
        var stopping = engine.Server.StopAsync(CancellationToken.None);
        await engine.Server.DisposeAsync();

        Assert.True(stopping.IsCompleted, "dispose returned while the stop it joined was still draining");
        await stopping;
        Assert.Equal(JobState.Succeeded, (await engine.Client.GetAsync(job.Id))!.State);
        Assert.Equal(0L, await _schema.ScalarAsync<long>("select count(*) from {s}.server"));
    }

    [Fact]
    public async Task Jobs_handed_back_at_shutdown_run_on_the_next_server()
    {
        var first = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), new Dictionary<string, string?>
        {
            ["Jobs:Server:DrainTimeout"] = "00:00:00.200",
        }, services: s => s.AddSingleton(_probe));
        var job = await first.Client.EnqueueAsync(new HoldArgs(-1), new EnqueueOptions { MaxAttempts = 1 });
        await Eventually.TrueAsync(() => Task.FromResult(_probe.Count(job.Id) == 1), "the job to start");
        await first.DisposeAsync();

        await using var second = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe));
        await Eventually.TrueAsync(() => Task.FromResult(_probe.Count(job.Id) == 2), "the job to start again");
        // Its only attempt was given back, so this run is attempt 1 again.
        Assert.Equal([1, 1], _probe.Executions.Where(e => e.JobId == job.Id).Select(e => e.Attempt));
    }
}
