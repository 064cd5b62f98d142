using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Tests;

/// <summary>What the Hangfire Dashboard reads (IMonitoringApi) over engine jobs of every state.</summary>
public sealed class MonitoringApiTests : HangfireTestBase
{
    private IMonitoringApi Monitor => Storage.GetMonitoringApi();

    /// <summary>A queue no server of the test takes jobs from: its jobs stay enqueued.</summary>
    private const string Idle = "reports";

    [Fact]
    public async Task Every_state_has_its_list_paged_in_order_with_counts_that_match()
    {
        var enqueued = Enumerable.Range(0, 3).Select(i => Client.Create(() => StaticJobs.Numbered(Key, i), new EnqueuedState(Idle))).ToList();
        var native = await Jobs.EnqueueAsync(new JobRequest("invoice.send", System.Text.Json.JsonDocument.Parse("{\"id\": 42}").RootElement,
            new EnqueueOptions { Queue = Idle }));
        var later = Client.Schedule(() => StaticJobs.Record(Key, "later"), TimeSpan.FromHours(2));
        var sooner = Client.Schedule(() => StaticJobs.Record(Key, "sooner"), TimeSpan.FromHours(1));
        var continuation = Client.ContinueJobWith(later, () => StaticJobs.Record(Key, "after"));
        var dead = Client.Enqueue(() => StaticJobs.FailThenDie(Key));
        var deleted = Client.Schedule(() => StaticJobs.Record(Key, "deleted"), TimeSpan.FromHours(3));
        Client.Delete(deleted);
        var succeeded = Client.Enqueue(() => StaticJobs.Record(Key, "done"));
        await StateAsync(dead, JobState.Dead);
        await StateAsync(succeeded, JobState.Succeeded);

        Assert.Equal(4, Monitor.EnqueuedCount(Idle));
        var firstPage = Monitor.EnqueuedJobs(Idle, 0, 3);
        Assert.Equal(enqueued, firstPage.Select(j => j.Key));
        Assert.All(firstPage, j => Assert.True(j.Value.InEnqueuedState));
        var secondPage = Assert.Single(Monitor.EnqueuedJobs(Idle, 3, 3));
        Assert.Equal(native.Id.ToString(), secondPage.Key);
        // A native kind reads as its kind and arguments.
        Assert.Equal(["invoice.send", "{\"id\": 42}"], secondPage.Value.Job.Args.Cast<string>());
        var queue = Assert.Single(Monitor.Queues(), q => q.Name == Idle);
        Assert.Equal(4, queue.Length);
        Assert.Equal(enqueued.Append(native.Id.ToString()), queue.FirstJobs.Select(j => j.Key));

        Assert.Equal([sooner, later], Monitor.ScheduledJobs(0, 10).Select(j => j.Key));
        Assert.Equal([later], Monitor.ScheduledJobs(1, 10).Select(j => j.Key));
        Assert.Equal(2, Monitor.ScheduledCount());

        var awaiting = Assert.Single(((JobStorageMonitor)Monitor).AwaitingJobs(0, 10));
        Assert.Equal((continuation, "Scheduled"), (awaiting.Key, awaiting.Value.ParentStateName));

        var failed = Assert.Single(Monitor.FailedJobs(0, 10));
        Assert.Equal(dead, failed.Key);
        Assert.Equal("System.InvalidOperationException", failed.Value.ExceptionType);
        Assert.Equal("always fails", failed.Value.ExceptionMessage);
        Assert.Contains(nameof(StaticJobs.FailThenDie), failed.Value.ExceptionDetails);
        Assert.Equal(1, Monitor.FailedCount());

        Assert.Equal([deleted], Monitor.DeletedJobs(0, 10).Select(j => j.Key));
        Assert.Equal([succeeded], Monitor.SucceededJobs(0, 10).Select(j => j.Key));
        Assert.Empty(Monitor.SucceededJobs(1, 10));

        var statistics = Monitor.GetStatistics();
        Assert.Equal((4L, 2L, 1L, 1L, 1L, 1L), (statistics.Enqueued, statistics.Scheduled, statistics.Awaiting, statistics.Failed, statistics.Deleted, statistics.Succeeded));
        Assert.Equal(1, statistics.Servers);
        var server = Assert.Single(Monitor.Servers());
        Assert.Contains("critical", server.Queues);
        Assert.True(server.WorkersCount >= 12);
    }

    [Fact]
    public async Task A_failed_jobs_details_show_every_attempt_with_its_error_and_stack_trace()
    {
        var id = Client.Enqueue(() => StaticJobs.FailThenDie(Key));
        var job = await StateAsync(id, JobState.Dead);

        var details = Monitor.JobDetails(id);

        Assert.Equal(3, job.Errors.Count);
        var failures = details.History.Where(h => h.StateName == FailedState.StateName).ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f =>
        {
            Assert.Equal("always fails", f.Data["ExceptionMessage"]);
            Assert.Contains(nameof(StaticJobs.FailThenDie), f.Data["ExceptionDetails"]);
        });
        // Newest first, ending where it started.
        Assert.Equal(failures.Select(f => f.CreatedAt).OrderByDescending(t => t), failures.Select(f => f.CreatedAt));
        Assert.Equal(EnqueuedState.StateName, details.History[^1].StateName);
        Assert.Equal("3 of 3", details.Properties["Attempts"]);
    }

    [Fact]
    public async Task Retrying_jobs_are_the_retries_set_and_charts_come_from_the_engines_statistics()
    {
        await Schema.ExecuteAsync("""
            insert into {s}.job_stats (minute, queue, kind, succeeded, failed, dead)
            values (date_trunc('minute', now()), 'default', 'hangfire.job', 7, 3, 2),
                   (date_trunc('minute', now()) - interval '2 days', 'default', 'hangfire.job', 5, 0, 1)
            """);
        var retrying = await Jobs.EnqueueAsync(new JobRequest("invoice.send", System.Text.Json.JsonDocument.Parse("{}").RootElement,
            new EnqueueOptions { Queue = Idle }));
        await Schema.ExecuteAsync("update {s}.job set state = 'retrying', scheduled_at = now() + interval '1 hour' where id = @id", new { id = retrying.Id });

        using var connection = (JobStorageConnection)Storage.GetConnection();
        Assert.Equal(1, connection.GetSetCount("retries"));
        Assert.Equal([retrying.Id.ToString()], connection.GetRangeFromSet("retries", 0, 9));
        Assert.Equal(1, Monitor.GetStatistics().Retries);
        // As the Retries page reads them: the ids, then each job on a read-only connection of its own.
        using (var page = (JobStorageConnection)Storage.GetReadOnlyConnection())
        {
            Assert.Equal([retrying.Id.ToString()], page.GetRangeFromSet("retries", 0, 9));
        }
        using (var row = Storage.GetReadOnlyConnection())
        {
            Assert.Equal("Scheduled", row.GetJobData(retrying.Id.ToString())!.State);
            Assert.Equal("Scheduled", row.GetStateData(retrying.Id.ToString())!.Name);
        }
        // Hangfire's own changes read afresh: a requeue moves it.
        Assert.True(Client.Requeue(retrying.Id.ToString()));
        Assert.Equal(JobState.Available, (await Jobs.GetAsync(retrying.Id))!.State);

        var hourly = Monitor.HourlySucceededJobs();
        Assert.Equal(24, hourly.Count);
        Assert.Equal(7, hourly.Values.Sum());
        Assert.Equal(2, Monitor.HourlyFailedJobs().Values.Sum());
        var daily = Monitor.SucceededByDatesCount();
        Assert.Equal(7, daily.Count);
        Assert.Equal(12, daily.Values.Sum());
        Assert.Equal(3, Monitor.FailedByDatesCount().Values.Sum());
    }

    [Fact]
    public async Task A_hangfire_job_whose_arguments_are_no_hangfire_call_is_still_listed_and_shown()
    {
        var id = Client.Schedule(() => StaticJobs.Record(Key, "x"), TimeSpan.FromHours(1));
        await Schema.ExecuteAsync("update {s}.job set args = '{\"type\": 5}' where id = @id", new { id = Id(id) });

        var listed = Assert.Single(Monitor.ScheduledJobs(0, 10));

        Assert.Equal(id, listed.Key);
        Assert.Equal(["hangfire.job", "{\"type\": 5}"], listed.Value.Job.Args.Cast<string>());
        Assert.Equal("Scheduled", Monitor.JobDetails(id).History[0].StateName);
    }
}
