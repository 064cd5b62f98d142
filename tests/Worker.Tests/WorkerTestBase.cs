using Jobs.Engine.Client;
using Jobs.Testing;

namespace Jobs.Worker.Tests;

/// <summary>A fresh schema and a client (no server) in the test process; the workers under test run as their own processes.</summary>
public abstract class WorkerTestBase : IAsyncLifetime
{
    protected TestSchema Schema { get; private set; } = null!;
    protected TestEngine Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Schema = await TestSchema.CreateAsync();
        Client = await TestEngine.StartAsync(Schema, server: false);
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Schema.DisposeAsync();
    }

    protected Task<JobInfo> WaitForAsync(long id, Func<JobInfo, bool> condition, string what, TimeSpan? limit = null) =>
        Eventually.ReturnsAsync(async () => (await Client.Client.GetAsync(id))!, condition, what, limit ?? TimeSpan.FromSeconds(60));
}
