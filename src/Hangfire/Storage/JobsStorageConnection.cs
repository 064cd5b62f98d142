using System.Globalization;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.Storage;
using Jobs.Engine.Client;
using Jobs.Hangfire.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Hangfire's storage connection on the engine. Holds no database connection of its own: each call
/// takes one from the engine's pool. Jobs Hangfire creates wait here (<see cref="PendingJob"/>) until
/// their first state commits. Server-side calls (fetching, announcing servers) refuse with the line to
/// use instead; sets, lists, hashes and counters exist only for what Hangfire itself keeps in them
/// (recurring jobs and statistics), and any other use names itself in a <see cref="NotSupportedException"/>.
/// </summary>
internal sealed class JobsStorageConnection(JobsStorage storage, bool readOnly = false) : JobStorageConnection
{
    private readonly Dictionary<long, PendingJob> _pending = [];

    /// <summary>The job <see cref="GetJobData"/> read last, for the <see cref="GetStateData"/> that follows it; any write forgets it.</summary>
    private JobInfo? _lastRead;

    internal JobsStorage Storage => storage;

    internal bool TryTakePending(long id, out PendingJob job) => _pending.Remove(id, out job!);

    internal bool IsPending(long id) => _pending.ContainsKey(id);

    internal PendingJob? Pending(long id) => _pending.GetValueOrDefault(id);

    public override IWriteOnlyTransaction CreateWriteTransaction()
    {
        ForgetReads();
        return new JobsWriteTransaction(this);
    }

    /// <summary>Called when a write commits: what was read before is no longer what is there.</summary>
    internal void ForgetReads() => _lastRead = null;

    public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout) => storage.Locks.Acquire(resource, timeout);

    public override string CreateExpiredJob(Job job, IDictionary<string, string> parameters, DateTime createdAt, TimeSpan expireIn)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(parameters);
        var id = storage.Ids.Next();
        _pending[id] = new PendingJob(id, job, parameters.ToDictionary(p => p.Key, p => (string?)p.Value), createdAt);
        return id.ToString(CultureInfo.InvariantCulture);
    }

    public override void SetJobParameter(string id, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var jobId = HangfireIds.Parse(id);
        if (Pending(jobId) is { } pending)
        {
            pending.Parameters[name] = value;
            return;
        }
        if (name is ContinuationsParameter or RetryCountParameter)
        {
            // Hangfire's own bookkeeping: the engine keeps continuations (every continuation names its
            // parent) and attempts itself, so there is nothing to write.
            return;
        }
        throw new NotSupportedException(
            $"SetJobParameter('{name}') on job {id}, which already exists: the Jobs storage keeps Hangfire job parameters " +
            "from when the job is created. Set them in a client filter's OnCreating (context.SetJobParameter) instead.");
    }

    public override string? GetJobParameter(string id, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var jobId = HangfireIds.Parse(id);
        if (Pending(jobId) is { } pending)
        {
            return pending.Parameters.GetValueOrDefault(name);
        }
        if (name == ContinuationsParameter)
        {
            return null;
        }
        var job = Wait(storage.Engine.Jobs.GetAsync(jobId));
        if (job is null || HangfireInvocation.Read(job.Kind, job.ArgsJson) is not { } args)
        {
            return null;
        }
        if (args.Parameters?.TryGetValue(name, out var value) == true)
        {
            return value;
        }
        // A job a schedule fired names its schedule in the engine's metadata.
        return name == "RecurringJobId" && JobMetadata.Schedule(job) is { } schedule ? SerializationHelper.Serialize(schedule) : null;
    }

    public override JobData? GetJobData(string jobId)
    {
        var id = HangfireIds.TryParse(jobId);
        if (id is null)
        {
            return null;
        }
        if (Pending(id.Value) is { } pending)
        {
            return new JobData
            {
                Job = pending.Job,
                State = null,
                CreatedAt = pending.CreatedAt,
                ParametersSnapshot = pending.Parameters.ToDictionary(p => p.Key, p => p.Value!),
            };
        }
        var job = (readOnly ? storage.ReadAhead.Take(id.Value) : null) ?? Wait(storage.Engine.Jobs.GetAsync(id.Value));
        _lastRead = job;
        return job is null ? null : HangfireJobData.From(job);
    }

    public override StateData? GetStateData(string jobId)
    {
        var id = HangfireIds.TryParse(jobId);
        if (id is null || IsPending(id.Value))
        {
            return null;
        }
        // The Dashboard asks for a job's data and then its state, on the same connection: one read.
        var job = _lastRead is { } last && last.Id == id.Value ? last : Wait(storage.Engine.Jobs.GetAsync(id.Value));
        _lastRead = null;
        return job is null ? null : HangfireStates.DataOf(job);
    }

    public override HashSet<string> GetAllItemsFromSet(string key)
    {
        if (key == RecurringJobs.SetKey)
        {
            return RecurringJobs.Names(storage);
        }
        throw Unsupported($"GetAllItemsFromSet('{key}')");
    }

    /// <summary>
    /// The sets the Hangfire Dashboard pages through: <c>retries</c> (the engine's retrying jobs, due
    /// soonest first) and <c>recurring-jobs</c>.
    /// </summary>
    public override long GetSetCount(string key) => key switch
    {
        RetriesSetKey => Monitoring.RetryingCount(),
        RecurringJobs.SetKey => RecurringJobs.Names(storage).Count,
        _ => throw Unsupported($"GetSetCount('{key}')"),
    };

    public override List<string> GetRangeFromSet(string key, int startingFrom, int endingAt)
    {
        var count = Math.Max(0, endingAt - startingFrom + 1);
        return key switch
        {
            RetriesSetKey => RetryingIds(startingFrom, count),
            RecurringJobs.SetKey => RecurringJobs.Names(storage).Order(StringComparer.Ordinal).Skip(startingFrom).Take(count).ToList(),
            _ => throw Unsupported($"GetRangeFromSet('{key}')"),
        };
    }

    private JobsMonitoringApi Monitoring => new(storage);

    private List<string> RetryingIds(int from, int count)
    {
        if (count == 0)
        {
            return [];
        }
        var jobs = Wait(storage.Engine.Monitor.PageByStateAsync(Jobs.Engine.States.JobState.Retrying, Math.Max(0, from), Math.Min(count, 500)));
        if (readOnly)
        {
            // The Retries page reads each of them next.
            storage.ReadAhead.Put(jobs);
        }
        return jobs.Select(j => HangfireIds.Format(j.Id)).ToList();
    }

    public override Dictionary<string, string>? GetAllEntriesFromHash(string key)
    {
        if (RecurringJobs.TryParseHashKey(key, out var name))
        {
            return RecurringJobs.Hash(storage, name);
        }
        throw Unsupported($"GetAllEntriesFromHash('{key}')");
    }

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs)
    {
        if (RecurringJobs.TryParseHashKey(key, out var name))
        {
            RecurringJobs.Apply(storage, name, keyValuePairs.ToDictionary(p => p.Key, p => p.Value), remove: false);
            return;
        }
        throw Unsupported($"SetRangeInHash('{key}')");
    }

    public override string GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore) =>
        throw new InvalidOperationException(JobsStorage.ServerNotSupported);

    public override IFetchedJob FetchNextJob(string[] queues, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(JobsStorage.ServerNotSupported);

    public override void AnnounceServer(string serverId, ServerContext context) => throw new InvalidOperationException(JobsStorage.ServerNotSupported);

    public override void RemoveServer(string serverId) => throw new InvalidOperationException(JobsStorage.ServerNotSupported);

    public override void Heartbeat(string serverId) => throw new InvalidOperationException(JobsStorage.ServerNotSupported);

    public override int RemoveTimedOutServers(TimeSpan timeOut) => throw new InvalidOperationException(JobsStorage.ServerNotSupported);

    public override void Dispose()
    {
        _pending.Clear();
        base.Dispose();
    }

    internal const string ContinuationsParameter = "Continuations";

    internal const string RetryCountParameter = "RetryCount";

    internal const string RetriesSetKey = "retries";

    /// <summary>Hangfire's API is synchronous; the engine's is asynchronous (and free of synchronization contexts).</summary>
    internal static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    internal static void Wait(Task task) => task.GetAwaiter().GetResult();

    internal static NotSupportedException Unsupported(string call) => new(
        $"{call}: the Jobs storage keeps no general Hangfire sets, lists, hashes or counters, only what Hangfire itself " +
        "stores in them (recurring jobs, statistics). Keep an extension's own data in your database, or use the engine's " +
        "API (IJobClient, IScheduleClient) directly.");
}
