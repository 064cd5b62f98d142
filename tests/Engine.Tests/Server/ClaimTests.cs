using Jobs.Engine.Client;
using Jobs.Engine.Storage;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Server;

public sealed class ClaimTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Concurrent_claims_never_hand_out_a_job_twice()
    {
        await using var client = await TestEngine.StartAsync(_schema, server: false);
        await client.Client.EnqueueManyAsync(Enumerable.Range(0, 2000).Select(i => JobRequest.Create(new RecordArgs($"{i}"))).ToList());
        var store = client.Services.GetRequiredService<JobStore>();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (true)
            {
                var batch = await store.ClaimAsync("default", 37, $"claimer-{c}", CancellationToken.None);
                if (batch.Count == 0)
                {
                    return mine;
                }
                mine.AddRange(batch.Select(j => j.Job.Id));
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(2000, all.Count);
        Assert.Equal(2000, all.Distinct().Count());
        Assert.True(claims.Count(c => c.Count > 0) > 1, "several claimers should have won jobs");
    }

    [Fact]
    public async Task Several_servers_run_every_job_exactly_once()
    {
        var servers = new List<TestEngine>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                servers.Add(await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), services: s => s.AddSingleton(_probe)));
            }
            var jobs = await servers[0].Client.EnqueueManyAsync(
                Enumerable.Range(0, 3000).Select(i => JobRequest.Create(new RecordArgs($"{i}"))).ToList());

            await Eventually.TrueAsync(async () =>
                await _schema.ScalarAsync<long>("select count(*) from {s}.job where state = 'succeeded'") == 3000, "every job to succeed");

            Assert.Equal(3000, _probe.Executions.Count);
            Assert.Equal(jobs.Select(j => j.Id).Order(), _probe.Executions.Select(e => e.JobId).Order());
            var servedBy = await _schema.QueryAsync<string>("select distinct attempted_by from {s}.job");
            Assert.True(servedBy.Count > 1, "the work should have been shared between servers");
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Higher_priority_runs_first_and_equal_priority_in_enqueue_order()
    {
        await using var client = await TestEngine.StartAsync(_schema, server: false);
        var low = await client.Client.EnqueueAsync(new RecordArgs("low"), new EnqueueOptions { Priority = -1 });
        var first = await client.Client.EnqueueAsync(new RecordArgs("first"));
        var second = await client.Client.EnqueueAsync(new RecordArgs("second"));
        var high = await client.Client.EnqueueAsync(new RecordArgs("high"), new EnqueueOptions { Priority = 5 });
        var store = client.Services.GetRequiredService<JobStore>();

        var order = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            order.AddRange((await store.ClaimAsync("default", 1, "s", CancellationToken.None)).Select(j => j.Job.Id));
        }

        Assert.Equal([high.Id, first.Id, second.Id, low.Id], order);
    }

    [Fact]
    public async Task A_paused_queue_is_not_claimed_from_until_resumed()
    {
        await using var engine = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(), new Dictionary<string, string?>
        {
            ["Jobs:Server:Queues:default"] = "2",
            ["Jobs:Server:Queues:other"] = "2",
        }, services: s => s.AddSingleton(_probe));
        await engine.Client.PauseQueueAsync("default");
        var paused = await engine.Client.EnqueueAsync(new RecordArgs("waits"));
        var other = await engine.Client.EnqueueAsync(new RecordArgs("runs"), new EnqueueOptions { Queue = "other" });

        await Eventually.TrueAsync(async () => (await engine.Client.GetAsync(other.Id))!.State == States.JobState.Succeeded,
            "the job of the other queue to run");
        Assert.Equal(States.JobState.Available, (await engine.Client.GetAsync(paused.Id))!.State);

        Assert.True(await engine.Client.ResumeQueueAsync("default"));
        await Eventually.TrueAsync(async () => (await engine.Client.GetAsync(paused.Id))!.State == States.JobState.Succeeded,
            "the job to run after the resume");
        Assert.False(await engine.Client.ResumeQueueAsync("default"));
    }
}
