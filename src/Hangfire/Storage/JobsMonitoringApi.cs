using System.Globalization;
using System.Text.Json;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Hangfire's monitoring API (what the Hangfire Dashboard reads) over the engine's <c>JobsMonitor</c>:
/// every engine job, native kinds too (as <see cref="EngineKindJob"/>), under Hangfire's state names.
/// Counts are the monitor's (exact up to <see cref="JobsMonitor.CountCap"/>, estimated beyond); lists
/// page along each state's index (<see cref="JobsMonitor.PageByStateAsync"/>); charts come from the
/// engine's per-minute statistics (<c>job_stats</c>), never from counting jobs.
/// </summary>
internal sealed class JobsMonitoringApi(JobsStorage storage) : JobStorageMonitor
{
    private JobsMonitor Monitor => storage.Engine.Monitor;

    public override StatisticsDto GetStatistics() => storage.Statistics.Get(CountStatistics);

    private StatisticsDto CountStatistics()
    {
        var counts = Counts();
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
            Queues = Wait(Monitor.QueueCountAsync()),
            Servers = Wait(Monitor.ServersAsync()).Count,
            Recurring = RecurringJobs.Names(storage).Count,
        };
    }

    public override JobDetailsDto? JobDetails(string jobId)
    {
        var id = HangfireIds.TryParse(jobId);
        var job = id is null ? null : Wait(storage.Engine.Jobs.GetAsync(id.Value));
        if (job is null)
        {
            return null;
        }
        var data = HangfireJobData.From(job);
        var properties = data.ParametersSnapshot.ToDictionary(p => p.Key, p => p.Value);
        properties["Kind"] = job.Kind;
        properties["Attempts"] = $"{job.Attempt} of {job.MaxAttempts}";
        return new JobDetailsDto
        {
            Job = data.Job,
            InvocationData = data.InvocationData,
            LoadException = data.LoadException,
            CreatedAt = job.CreatedAt.UtcDateTime,
            ExpireAt = null,
            Properties = properties,
            History = JobHistory.Of(job),
        };
    }

    public override IList<QueueWithTopEnqueuedJobsDto> Queues() => Wait(Monitor.QueuesAsync())
        .Select(q => new QueueWithTopEnqueuedJobsDto
        {
            Name = q.Name,
            Length = q.Available,
            Fetched = null,
            FirstJobs = q.Available == 0 ? new JobList<EnqueuedJobDto>([]) : EnqueuedJobs(q.Name, 0, 5),
        })
        .ToList();

    public override IList<ServerDto> Servers() => Wait(Monitor.ServersAsync())
        .Select(s => new ServerDto
        {
            Name = s.Id,
            WorkersCount = s.Workers,
            StartedAt = DateTime.SpecifyKind(s.StartedAt, DateTimeKind.Utc),
            Queues = ServerQueues(s.Queues),
            Heartbeat = DateTime.SpecifyKind(s.HeartbeatAt, DateTimeKind.Utc),
        })
        .ToList();

    public override JobList<EnqueuedJobDto> EnqueuedJobs(string queue, int from, int perPage) =>
        Page(JobState.Available, from, perPage, queue, (job, data, state) => new EnqueuedJobDto
        {
            Job = data.Job,
            LoadException = data.LoadException,
            InvocationData = data.InvocationData,
            State = state.Name,
            EnqueuedAt = job.ScheduledAt.UtcDateTime,
            InEnqueuedState = true,
            StateData = state.Data,
        });

    /// <summary>The engine has no fetched-but-not-running jobs: a claimed job is running.</summary>
    public override JobList<FetchedJobDto> FetchedJobs(string queue, int from, int perPage) => new([]);

    public override JobList<ProcessingJobDto> ProcessingJobs(int from, int count) =>
        Page(JobState.Running, from, count, null, (job, data, state) => new ProcessingJobDto
        {
            Job = data.Job,
            LoadException = data.LoadException,
            InvocationData = data.InvocationData,
            InProcessingState = true,
            ServerId = job.ServerId,
            StartedAt = job.AttemptedAt?.UtcDateTime,
            StateData = state.Data,
        });

    public override JobList<ScheduledJobDto> ScheduledJobs(int from, int count) => Scheduled(JobState.Scheduled, from, count);

    private JobList<ScheduledJobDto> Scheduled(JobState engineState, int from, int count) =>
        Page(engineState, from, count, null, (job, data, state) => new ScheduledJobDto
        {
            Job = data.Job,
            LoadException = data.LoadException,
            InvocationData = data.InvocationData,
            EnqueueAt = job.ScheduledAt.UtcDateTime,
            ScheduledAt = (job.Errors.Count > 0 ? job.Errors[^1].At : job.CreatedAt).UtcDateTime,
            InScheduledState = true,
            StateData = state.Data,
        });

    public override JobList<SucceededJobDto> SucceededJobs(int from, int count) =>
        Page(JobState.Succeeded, from, count, null, (job, data, state) => new SucceededJobDto
        {
            Job = data.Job,
            LoadException = data.LoadException,
            InvocationData = data.InvocationData,
            Result = null,
            TotalDuration = job.AttemptedAt is { } started && job.FinalizedAt is { } ended ? (long)(ended - started).TotalMilliseconds : null,
            SucceededAt = job.FinalizedAt?.UtcDateTime,
            InSucceededState = true,
            StateData = state.Data,
        });

    public override JobList<FailedJobDto> FailedJobs(int from, int count) =>
        Page(JobState.Dead, from, count, null, (job, data, state) =>
        {
            var last = job.Errors.Count > 0 ? job.Errors[^1] : null;
            return new FailedJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                Reason = state.Reason,
                FailedAt = job.FinalizedAt?.UtcDateTime,
                ExceptionType = last?.Type,
                ExceptionMessage = last?.Error,
                ExceptionDetails = last?.Stack ?? last?.Error,
                InFailedState = true,
                StateData = state.Data,
            };
        });

    public override JobList<DeletedJobDto> DeletedJobs(int from, int count) =>
        Page(JobState.Cancelled, from, count, null, (job, data, state) => new DeletedJobDto
        {
            Job = data.Job,
            LoadException = data.LoadException,
            InvocationData = data.InvocationData,
            DeletedAt = job.FinalizedAt?.UtcDateTime,
            InDeletedState = true,
            StateData = state.Data,
        });

    public override JobList<AwaitingJobDto> AwaitingJobs(int from, int count) =>
        Page(JobState.Awaiting, from, count, null, (job, data, state) => new AwaitingJobDto
        {
            Job = data.Job,
            LoadException = data.LoadException,
            InvocationData = data.InvocationData,
            AwaitingAt = job.CreatedAt.UtcDateTime,
            InAwaitingState = true,
            StateData = state.Data,
            ParentStateName = job.After is { } parent && Wait(storage.Engine.Jobs.GetAsync(parent)) is { } p ? HangfireStates.NameOf(p.State) : null,
        });

    public override long ScheduledCount() => Count(JobState.Scheduled);

    internal long RetryingCount() => Count(JobState.Retrying);

    public override long EnqueuedCount(string queue) => Wait(Monitor.QueueDepthAsync(queue));

    public override long FetchedCount(string queue) => 0;

    public override long FailedCount() => Count(JobState.Dead);

    public override long ProcessingCount() => Count(JobState.Running);

    public override long SucceededListCount() => Count(JobState.Succeeded);

    public override long DeletedListCount() => Count(JobState.Cancelled);

    public override long AwaitingCount() => Count(JobState.Awaiting);

    public override IDictionary<DateTime, long> SucceededByDatesCount() => Chart(TimeSpan.FromDays(7), TimeSpan.FromDays(1), p => p.Succeeded);

    public override IDictionary<DateTime, long> FailedByDatesCount() => Chart(TimeSpan.FromDays(7), TimeSpan.FromDays(1), p => p.Dead);

    public override IDictionary<DateTime, long> HourlySucceededJobs() => Chart(TimeSpan.FromDays(1), TimeSpan.FromHours(1), p => p.Succeeded);

    public override IDictionary<DateTime, long> HourlyFailedJobs() => Chart(TimeSpan.FromDays(1), TimeSpan.FromHours(1), p => p.Dead);

    /// <summary>Attempts per bucket from the engine's statistics, newest first as Hangfire's storages answer them.</summary>
    private Dictionary<DateTime, long> Chart(TimeSpan window, TimeSpan bucket, Func<ThroughputPoint, long> value) =>
        Wait(Monitor.ThroughputAsync(window, bucket)).OrderByDescending(p => p.At).ToDictionary(p => p.At.UtcDateTime, value);

    private JobList<T> Page<T>(JobState state, int from, int count, string? queue, Func<JobInfo, JobData, StateData, T> dto)
    {
        if (count <= 0)
        {
            return new JobList<T>([]);
        }
        var jobs = Wait(Monitor.PageByStateAsync(state, Math.Max(0, from), Math.Min(count, 500), queue));
        return new JobList<T>(jobs.Select(job => new KeyValuePair<string, T>(
            job.Id.ToString(CultureInfo.InvariantCulture), dto(job, HangfireJobData.From(job), HangfireStates.DataOf(job)))));
    }

    /// <summary>
    /// The monitor's counts; succeeded jobs, which it only estimates, are counted exactly while the
    /// estimate is below its cap (a young table's statistics say 0 while its pages list jobs).
    /// </summary>
    private Dictionary<JobState, long> Counts()
    {
        var counts = Wait(Monitor.CountByStateAsync()).ToDictionary(c => c.State, c => c);
        var result = counts.ToDictionary(c => c.Key, c => c.Value.Jobs ?? 0);
        if (counts.TryGetValue(JobState.Succeeded, out var succeeded) && !succeeded.Exact && (succeeded.Jobs ?? 0) <= JobsMonitor.CountCap)
        {
            result[JobState.Succeeded] = Wait(Monitor.CountStateAsync(JobState.Succeeded)).Jobs ?? 0;
        }
        return result;
    }

    /// <summary>
    /// One state's count for a list's pager: exact up to <see cref="PagerCountCap"/>, the planner's
    /// estimate beyond (an index of due times, say, cannot tell scheduled from retrying jobs without
    /// reading each row, and a page should not read ten thousand rows to draw its page numbers).
    /// </summary>
    private long Count(JobState state) => Wait(Monitor.CountStateAsync(state, PagerCountCap)).Jobs ?? 0;

    /// <summary>Pagers count exactly up to this many jobs.</summary>
    internal const int PagerCountCap = 1_000;

    private static List<string> ServerQueues(string queuesJson)
    {
        using var document = JsonDocument.Parse(queuesJson);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.EnumerateObject().Select(p => p.Name).ToList()
            : [];
    }

    private static T Wait<T>(Task<T> task) => JobsStorageConnection.Wait(task);
}
