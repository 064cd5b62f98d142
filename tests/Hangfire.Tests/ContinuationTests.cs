using Hangfire;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Tests;

/// <summary>ContinueJobWith: continuations are engine jobs awaiting their parent, run only after it.</summary>
public sealed class ContinuationTests : HangfireTestBase
{
    [Fact]
    public async Task A_continuation_runs_only_after_its_parent_succeeded()
    {
        var parent = Client.Enqueue(() => StaticJobs.HoldAsync(Key, 700));
        var child = Client.ContinueJobWith(parent, () => StaticJobs.Record(Key, "child"));
        var anyFinish = Client.ContinueJobWith(parent, () => StaticJobs.Record(Key, "any"), JobContinuationOptions.OnAnyFinishedState);

        Assert.Equal(JobState.Awaiting, (await Jobs.GetAsync(Id(child)))!.State);
        Assert.Equal("Awaiting", Storage.GetConnection().GetStateData(child).Name);
        await StateAsync(child, JobState.Succeeded);
        await StateAsync(anyFinish, JobState.Succeeded);

        var runs = Probe.Of(Key);
        var parentEnd = runs.Single(r => r.What == "hold-end").At;
        Assert.True(runs.Single(r => r.What == "child").At >= parentEnd, "the continuation ran before its parent ended");
        Assert.True(runs.Single(r => r.What == "any").At >= parentEnd, "the continuation ran before its parent ended");
        Assert.Equal(Id(parent), (await Jobs.GetAsync(Id(child)))!.After);
    }

    [Fact]
    public async Task A_deleted_parent_cancels_continuations_on_success_and_runs_those_on_any_finished_state()
    {
        var parent = Client.Schedule(() => StaticJobs.Record(Key, "parent"), TimeSpan.FromHours(1));
        var onSuccess = Client.ContinueJobWith(parent, () => StaticJobs.Record(Key, "on-success"), JobContinuationOptions.OnlyOnSucceededState);
        var onAny = Client.ContinueJobWith(parent, () => StaticJobs.Record(Key, "on-any"), JobContinuationOptions.OnAnyFinishedState);

        Assert.True(Client.Delete(parent));

        await StateAsync(onAny, JobState.Succeeded);
        await StateAsync(onSuccess, JobState.Cancelled);
        Assert.Equal(["on-any"], Probe.Of(Key).Select(r => r.What));
        Assert.Equal(JobState.Cancelled, (await Jobs.GetAsync(Id(parent)))!.State);
    }

    [Fact]
    public async Task A_continuation_of_a_parent_that_already_finished_runs_or_is_cancelled_at_once()
    {
        var done = Client.Enqueue(() => StaticJobs.Record(Key, "done"));
        await StateAsync(done, JobState.Succeeded);
        var deleted = Client.Schedule(() => StaticJobs.Record(Key, "never"), TimeSpan.FromHours(1));
        Client.Delete(deleted);

        var afterDone = Client.ContinueJobWith(done, () => StaticJobs.Record(Key, "after-done"));
        var afterDeleted = Client.ContinueJobWith(deleted, () => StaticJobs.Record(Key, "after-deleted"));

        await StateAsync(afterDone, JobState.Succeeded);
        Assert.Equal(JobState.Cancelled, (await Jobs.GetAsync(Id(afterDeleted)))!.State);
    }

    [Fact]
    public void A_continuation_of_a_job_that_does_not_exist_is_refused()
    {
        var e = Assert.Throws<BackgroundJobClientException>(() => Client.ContinueJobWith("999999", () => StaticJobs.Record(Key, "x")));

        Assert.Contains("999999", e.InnerException!.Message);
    }
}
