using Hangfire;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Tests;

/// <summary>[AutomaticRetry] sets the engine's attempts; what happens after the last one follows OnAttemptsExceeded.</summary>
public sealed class RetryTests : HangfireTestBase
{
    [Fact]
    public async Task Attempts_exceeded_with_fail_ends_dead_with_every_error()
    {
        var id = Client.Enqueue(() => StaticJobs.FailThenDie(Key));

        var dead = await StateAsync(id, JobState.Dead);

        // Attempts = 2 is Hangfire's two retries: three attempts in all.
        Assert.Equal(3, dead.MaxAttempts);
        Assert.Equal(3, dead.Attempt);
        Assert.Equal(3, Probe.Of(Key).Count);
        Assert.All(dead.Errors, e => Assert.Equal(typeof(InvalidOperationException).FullName, e.Type));
        Assert.Contains("StaticJobs.FailThenDie", dead.Errors[^1].Stack);
    }

    [Fact]
    public async Task Attempts_exceeded_with_delete_ends_cancelled()
    {
        var id = Client.Enqueue(() => StaticJobs.FailThenDelete(Key));

        var cancelled = await StateAsync(id, JobState.Cancelled);

        Assert.Equal(3, cancelled.Attempt);
        Assert.Equal(3, Probe.Of(Key).Count);
        Assert.Contains("always fails", cancelled.Errors[^1].Error);
        Assert.Contains("deletes the job", cancelled.Errors[^1].Error);
        Assert.Equal("Deleted", Storage.GetConnection().GetStateData(id).Name);
    }
}
