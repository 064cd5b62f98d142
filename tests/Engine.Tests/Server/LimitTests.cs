using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Engine.Tests.Server;

/// <summary>Global and per-partition concurrency limits, observed across several servers.</summary>
public sealed class LimitTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    private async Task<TestEngine[]> StartServersAsync(int count, int workers, Action<Handlers.JobKindOptions> limited)
    {
        var servers = new TestEngine[count];
        for (var i = 0; i < count; i++)
        {
            servers[i] = await TestEngine.StartAsync(_schema, jobs => jobs.AddTestHandlers(limited: limited),
                new Dictionary<string, string?> { ["Jobs:Server:Queues:default"] = workers.ToString() },
                services: s => s.AddSingleton(_probe));
        }
        return servers;
    }

    private async Task WaitAllSucceededAsync(TestEngine client, int expected) =>
        await Eventually.TrueAsync(async () =>
            await _schema.ScalarAsync<long>("select count(*) from {s}.job where state = 'succeeded'") == expected,
            $"{expected} jobs to succeed", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_global_limit_holds_across_servers()
    {
        // Short jobs and four servers: every completion wakes all of them to race for the freed slot.
        var servers = await StartServersAsync(4, workers: 5, o => o.GlobalLimit = 3);
        try
        {
            await servers[0].Client.EnqueueManyAsync(Enumerable.Range(0, 90).Select(_ => JobRequest.Create(new LimitedArgs(20))).ToList());

            await WaitAllSucceededAsync(servers[0], 90);

            // Twenty workers were free; the limit, not the workers, bounded the concurrency.
            Assert.Equal(3, _probe.MaxRunning);
            Assert.Equal(90, _probe.Executions.Count);
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_partition_limit_holds_per_partition_while_partitions_run_side_by_side()
    {
        var servers = await StartServersAsync(2, workers: 6, o => o.PartitionLimit = 2);
        try
        {
            var requests = new List<JobRequest>();
            foreach (var endpoint in new[] { "endpoint-a", "endpoint-b", "endpoint-c" })
            {
                requests.AddRange(Enumerable.Range(0, 8).Select(_ =>
                    JobRequest.Create(new LimitedArgs(60), new EnqueueOptions { PartitionKey = endpoint })));
            }
            await servers[0].Client.EnqueueManyAsync(requests);

            await WaitAllSucceededAsync(servers[0], 24);

            Assert.Equal(2, _probe.MaxByPartition["endpoint-a"]);
            Assert.Equal(2, _probe.MaxByPartition["endpoint-b"]);
            Assert.Equal(2, _probe.MaxByPartition["endpoint-c"]);
            Assert.True(_probe.MaxRunning > 2, $"partitions should run side by side; at most {_probe.MaxRunning} ran at once");
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_saturated_limited_kind_does_not_hold_back_other_kinds_in_its_queue()
    {
        var servers = await StartServersAsync(1, workers: 4, o => o.GlobalLimit = 1);
        try
        {
            await servers[0].Client.EnqueueManyAsync(Enumerable.Range(0, 20).Select(_ => JobRequest.Create(new LimitedArgs(200))).ToList());
            var quick = await servers[0].Client.EnqueueAsync(new RecordArgs("not limited"));

            await Eventually.TrueAsync(async () => (await servers[0].Client.GetAsync(quick.Id))!.State == JobState.Succeeded,
                "the unlimited job to run while the limited ones wait");
            Assert.True(await _schema.ScalarAsync<long>("select count(*) from {s}.job where kind = 'test.limited' and state = 'available'") >= 10);
        }
        finally
        {
            await servers[0].DisposeAsync();
        }
    }
}
