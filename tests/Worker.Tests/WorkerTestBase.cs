using Jobs.Engine.Client;
using Jobs.Testing;

namespace Jobs.Worker.Tests;

/// <summary>A fresh schema and a client (no server) in the test process; the workers under test run as their own processes.</summary>
public abstract class WorkerTestBase : ClientTestBase
{
    protected Task<JobInfo> WaitForAsync(long id, Func<JobInfo, bool> condition, string what, TimeSpan? limit = null) =>
        Eventually.ReturnsAsync(async () => (await Engine.Client.GetAsync(id))!, condition, what, limit ?? TimeSpan.FromSeconds(60));
}
