using Hangfire;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Hangfire.Tests;

/// <summary>
/// A fresh schema, an engine server in this process running Hangfire jobs (queues default and
/// critical, retries without delay), and Hangfire's own client on <see cref="JobsStorage"/>.
/// </summary>
public abstract class HangfireTestBase : IAsyncLifetime
{
    protected TestSchema Schema { get; private set; } = null!;
    protected TestEngine Engine { get; private set; } = null!;
    protected JobsStorage Storage { get; private set; } = null!;
    protected BackgroundJobClient Client { get; private set; } = null!;
    protected string Key { get; } = Guid.NewGuid().ToString("N");

    protected virtual bool StartServer => true;

    /// <summary>The attempt timeout of the Hangfire kinds in this test's server.</summary>
    protected virtual TimeSpan KindTimeout => TimeSpan.FromSeconds(30);

    public async Task InitializeAsync()
    {
        Schema = await TestSchema.CreateAsync();
        Engine = await TestEngine.StartAsync(Schema,
            jobs => jobs.AddHangfireJobs(kind =>
            {
                kind.Retry = new RetryOptions { BaseDelay = TimeSpan.Zero, Jitter = 0 };
                kind.Timeout = KindTimeout;
            }),
            new Dictionary<string, string?>
            {
                ["Jobs:Server:Queues:default"] = "10",
                ["Jobs:Server:Queues:critical"] = "2",
                ["Jobs:Server:PollInterval"] = "00:00:00.200",
            },
            server: StartServer,
            services: s => s.AddSingleton<GreetingLog>().AddScoped<Greeter>());
        Storage = JobsStorage.Create(TestDatabase.ConnectionString, new JobsStorageOptions { Schema = Schema.Name });
        Client = new BackgroundJobClient(Storage);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Schema.DisposeAsync();
    }

    protected IJobClient Jobs => Engine.Client;

    protected static long Id(string hangfireId) => long.Parse(hangfireId, System.Globalization.CultureInfo.InvariantCulture);

    protected Task<JobInfo> WaitForAsync(string hangfireId, Func<JobInfo, bool> condition, string what) =>
        Eventually.ReturnsAsync(async () => (await Jobs.GetAsync(Id(hangfireId)))!, condition, $"job {hangfireId} {what}");

    protected Task<JobInfo> StateAsync(string hangfireId, Engine.States.JobState state) =>
        WaitForAsync(hangfireId, j => j.State == state, $"to be {state}");

    protected Task<IReadOnlyList<Probe.Run>> RunsAsync(int count) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Probe.Of(Key)), runs => runs.Count >= count, $"{count} runs of {Key}");
}
