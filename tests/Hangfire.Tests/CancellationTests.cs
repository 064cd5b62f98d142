using Jobs.Engine.States;
using Hangfire;

namespace Jobs.Hangfire.Tests;

/// <summary>CancellationToken and IJobCancellationToken parameters are the engine's token: timeout and cancel fire them.</summary>
public sealed class CancellationTests : HangfireTestBase
{
    protected override TimeSpan KindTimeout => TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_cancellation_token_parameter_fires_on_the_engines_timeout()
    {
        var id = Client.Enqueue(() => StaticJobs.WaitForCancellationAsync(Key, CancellationToken.None));

        var dead = await StateAsync(id, JobState.Dead);

        Assert.Equal(["token-fired"], Probe.Of(Key).Select(r => r.What));
        Assert.Equal("timeout", Assert.Single(dead.Errors).Type);
        Assert.Equal(1, dead.MaxAttempts); // [AutomaticRetry(Attempts = 0)]
    }

    [Fact]
    public async Task A_job_cancellation_token_fires_when_the_running_job_is_deleted()
    {
        var id = Client.Enqueue(() => StaticJobs.WaitForJobCancellation(Key, JobCancellationToken.Null));
        await StateAsync(id, JobState.Running);

        Assert.True(Client.Delete(id));

        await StateAsync(id, JobState.Cancelled);
        Assert.Equal(["job-token-fired"], (await RunsAsync(1)).Select(r => r.What));
    }
}
