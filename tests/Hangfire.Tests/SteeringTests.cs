using Hangfire;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Tests;

/// <summary>BackgroundJob.Delete and Requeue act on the engine's jobs.</summary>
public sealed class SteeringTests : HangfireTestBase
{
    [Fact]
    public async Task Delete_cancels_a_waiting_job_and_requeue_runs_it()
    {
        var id = Client.Schedule(() => StaticJobs.Record(Key, "requeued"), TimeSpan.FromHours(1));

        Assert.True(Client.Delete(id));
        Assert.Equal(JobState.Cancelled, (await Jobs.GetAsync(Id(id)))!.State);
        Assert.Equal("Deleted", Storage.GetConnection().GetJobData(id)!.State);

        Assert.True(Client.Requeue(id));
        await StateAsync(id, JobState.Succeeded);
        Assert.Equal(["requeued"], Probe.Of(Key).Select(r => r.What));
    }

    [Fact]
    public async Task Requeue_retries_a_dead_job_and_delete_removes_a_finished_one()
    {
        var id = Client.Enqueue(() => StaticJobs.WaitForCancellationAsync(Key, CancellationToken.None));
        await StateAsync(id, JobState.Running);
        Assert.True(await Jobs.CancelAsync(Id(id)));
        var failing = Client.Enqueue(() => StaticJobs.FailThenDie(Key));
        var dead = await StateAsync(failing, JobState.Dead);

        Assert.True(Client.Requeue(failing));
        var again = await StateAsync(failing, JobState.Dead);
        Assert.Equal(dead.Attempt + 1, again.Attempt);

        Assert.True(Client.Delete(failing));
        Assert.Null(await Jobs.GetAsync(Id(failing)));
        Assert.False(Client.Delete("987654321"));
    }
}
