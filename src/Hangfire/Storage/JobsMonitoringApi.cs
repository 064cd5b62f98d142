using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Hangfire's monitoring API over the engine's <c>JobsMonitor</c>. Statistics and job details are
/// read here; the paged job lists, queues, servers and histories the Hangfire Dashboard reads are
/// the Dashboard's part of this adapter and say so until it is in.
/// </summary>
internal sealed class JobsMonitoringApi(JobsStorage storage) : JobStorageMonitor
{
    public override StatisticsDto GetStatistics()
    {
        var counts = JobsStorageConnection.Wait(storage.Engine.Monitor.CountByStateAsync())
            .ToDictionary(c => c.State, c => c.Jobs ?? 0);
        var queues = JobsStorageConnection.Wait(storage.Engine.Monitor.QueuesAsync());
        var servers = JobsStorageConnection.Wait(storage.Engine.Monitor.ServersAsync());
        return new StatisticsDto
        {
            Enqueued = counts.GetValueOrDefault(JobState.Available),
            Scheduled = counts.GetValueOrDefault(JobState.Scheduled),
            Processing = counts.GetValueOrDefault(JobState.Running),
            Succeeded = counts.GetValueOrDefault(JobState.Succeeded),
            Failed = counts.GetValueOrDefault(JobState.Dead),
            Deleted = counts.GetValueOrDefault(JobState.Cancelled),
            Retries = counts.GetValueOrDefault(JobState.Retrying),
            Awaiting = counts.GetValueOrDefault(JobState.Awaiting),
            Queues = queues.Count,
            Servers = servers.Count,
            Recurring = RecurringJobs.Names(storage).Count,
        };
    }

    public override JobDetailsDto? JobDetails(string jobId)
    {
        var id = HangfireIds.TryParse(jobId);
        var job = id is null ? null : JobsStorageConnection.Wait(storage.Engine.Jobs.GetAsync(id.Value));
        if (job is null)
        {
            return null;
        }
        var data = HangfireJobData.From(job);
        var state = HangfireStates.DataOf(job);
        return new JobDetailsDto
        {
            Job = data.Job,
            InvocationData = data.InvocationData,
            LoadException = data.LoadException,
            CreatedAt = job.CreatedAt.UtcDateTime,
            ExpireAt = null,
            Properties = data.ParametersSnapshot.ToDictionary(p => p.Key, p => p.Value),
            History = [new StateHistoryDto { StateName = state.Name, Reason = state.Reason, CreatedAt = (job.FinalizedAt ?? job.AttemptedAt ?? job.ScheduledAt).UtcDateTime, Data = state.Data }],
        };
    }

    public override IList<QueueWithTopEnqueuedJobsDto> Queues() => throw DashboardPart(nameof(Queues));
    public override IList<ServerDto> Servers() => throw DashboardPart(nameof(Servers));
    public override JobList<EnqueuedJobDto> EnqueuedJobs(string queue, int from, int perPage) => throw DashboardPart(nameof(EnqueuedJobs));
    public override JobList<FetchedJobDto> FetchedJobs(string queue, int from, int perPage) => throw DashboardPart(nameof(FetchedJobs));
    public override JobList<ProcessingJobDto> ProcessingJobs(int from, int count) => throw DashboardPart(nameof(ProcessingJobs));
    public override JobList<ScheduledJobDto> ScheduledJobs(int from, int count) => throw DashboardPart(nameof(ScheduledJobs));
    public override JobList<SucceededJobDto> SucceededJobs(int from, int count) => throw DashboardPart(nameof(SucceededJobs));
    public override JobList<FailedJobDto> FailedJobs(int from, int count) => throw DashboardPart(nameof(FailedJobs));
    public override JobList<DeletedJobDto> DeletedJobs(int from, int count) => throw DashboardPart(nameof(DeletedJobs));
    public override long ScheduledCount() => Count(JobState.Scheduled);
    public override long EnqueuedCount(string queue) => throw DashboardPart(nameof(EnqueuedCount));
    public override long FetchedCount(string queue) => 0;
    public override long FailedCount() => Count(JobState.Dead);
    public override long ProcessingCount() => Count(JobState.Running);
    public override long SucceededListCount() => Count(JobState.Succeeded);
    public override long DeletedListCount() => Count(JobState.Cancelled);
    public override IDictionary<DateTime, long> SucceededByDatesCount() => throw DashboardPart(nameof(SucceededByDatesCount));
    public override IDictionary<DateTime, long> FailedByDatesCount() => throw DashboardPart(nameof(FailedByDatesCount));
    public override IDictionary<DateTime, long> HourlySucceededJobs() => throw DashboardPart(nameof(HourlySucceededJobs));
    public override IDictionary<DateTime, long> HourlyFailedJobs() => throw DashboardPart(nameof(HourlyFailedJobs));

    private long Count(JobState state) =>
        JobsStorageConnection.Wait(storage.Engine.Monitor.CountByStateAsync()).Single(c => c.State == state).Jobs ?? 0;

    private static NotSupportedException DashboardPart(string call) => new(
        $"IMonitoringApi.{call} on the Jobs storage: the paged lists, queues, servers and histories of the Hangfire Dashboard are " +
        "not served yet. Read them from the engine's dashboard (Jobs.Dashboard) or its JobsMonitor meanwhile.");
}
