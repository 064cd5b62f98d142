using Jobs.Engine.Client;
using Jobs.Operators;
using Jobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Worker.Tests;

/// <summary>A fresh schema and a client (no server) in the test process; the workers under test run as their own processes.</summary>
public abstract class WorkerTestBase : ClientTestBase
{
    /// <summary>The API keys (and their schema) that the worker host checks on /metrics.</summary>
    protected override void ConfigureServices(IServiceCollection services) => services.AddJobsOperators();

    protected Task<JobInfo> WaitForAsync(long id, Func<JobInfo, bool> condition, string what, TimeSpan? limit = null) =>
        Eventually.ReturnsAsync(async () => (await Engine.Client.GetAsync(id))!, condition, what, limit ?? TimeSpan.FromSeconds(60));
}
