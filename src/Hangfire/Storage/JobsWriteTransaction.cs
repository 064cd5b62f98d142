using Hangfire.States;
using Hangfire.Storage;
using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Hangfire.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Hangfire's write-only transaction on the engine. It records what Hangfire's state machine writes
/// (the job's new state, the queue its Enqueued state handler chose, traversed states, recurring job
/// fields) and turns it into engine calls at <see cref="Commit"/>: all new jobs of the transaction in
/// one insert (one round trip for a <c>BackgroundJob.Enqueue</c>), state changes of existing jobs as
/// the engine's cancel or requeue, recurring jobs as schedule upserts. What Hangfire keeps only for
/// its own server (the schedule and awaiting sets, queue rows, expirations, statistics counters) has
/// an engine counterpart already and is not written. Everything is checked before anything is written.
/// </summary>
internal sealed class JobsWriteTransaction(JobsStorageConnection connection) : JobStorageTransaction
{
    private static readonly HashSet<string> EngineKeptSets = ["schedule", "awaiting", "retries", RecurringJobs.SetKey];

    private readonly Dictionary<long, JobWrites> _jobs = [];
    private readonly Dictionary<string, Dictionary<string, string>> _recurring = [];
    private readonly HashSet<string> _recurringRemoved = [];

    public override void SetJobState(string jobId, IState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var writes = Writes(jobId);
        writes.State = state;
        writes.Failed |= state is FailedState;
    }

    public override void AddJobState(string jobId, IState state)
    {
        // The history of traversed states is the engine's own (errors, timings); an Awaiting state
        // among them (a continuation whose parent had finished) still makes the job a continuation,
        // and a Failed one means Hangfire's client could not change the state itself (see ChangeState).
        var writes = Writes(jobId);
        if (state is AwaitingState awaiting)
        {
            writes.Awaiting = awaiting;
        }
        writes.Failed |= state is FailedState;
    }

    public override void AddToQueue(string queue, string jobId) => Writes(jobId).Queue = queue;

    // Expiration is the engine's retention; counters are the engine's statistics.
    public override void ExpireJob(string jobId, TimeSpan expireIn) => HangfireIds.Parse(jobId);

    public override void PersistJob(string jobId) => HangfireIds.Parse(jobId);

    public override void IncrementCounter(string key) => CheckCounter(key);

    public override void IncrementCounter(string key, TimeSpan expireIn) => CheckCounter(key);

    public override void DecrementCounter(string key) => CheckCounter(key);

    public override void DecrementCounter(string key, TimeSpan expireIn) => CheckCounter(key);

    public override void AddToSet(string key, string value) => CheckSet(key, "AddToSet");

    public override void AddToSet(string key, string value, double score) => CheckSet(key, "AddToSet");

    public override void RemoveFromSet(string key, string value) => CheckSet(key, "RemoveFromSet");

    public override void InsertToList(string key, string value) => throw JobsStorageConnection.Unsupported($"InsertToList('{key}')");

    public override void RemoveFromList(string key, string value) => throw JobsStorageConnection.Unsupported($"RemoveFromList('{key}')");

    public override void TrimList(string key, int keepStartingFrom, int keepEndingAt) => throw JobsStorageConnection.Unsupported($"TrimList('{key}')");

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs)
    {
        ArgumentNullException.ThrowIfNull(keyValuePairs);
        if (!RecurringJobs.TryParseHashKey(key, out var name))
        {
            throw JobsStorageConnection.Unsupported($"SetRangeInHash('{key}')");
        }
        _recurringRemoved.Remove(name);
        if (!_recurring.TryGetValue(name, out var fields))
        {
            _recurring[name] = fields = [];
        }
        foreach (var (field, value) in keyValuePairs)
        {
            fields[field] = value;
        }
    }

    public override void RemoveHash(string key)
    {
        if (!RecurringJobs.TryParseHashKey(key, out var name))
        {
            throw JobsStorageConnection.Unsupported($"RemoveHash('{key}')");
        }
        _recurring.Remove(name);
        _recurringRemoved.Add(name);
    }

    public override void Commit()
    {
        connection.ForgetReads();
        var storage = connection.Storage;
        var created = new List<(PendingJob Job, JobWrites Writes)>();
        var changed = new List<(long Id, IState State, bool Failed)>();
        foreach (var (id, writes) in _jobs)
        {
            if (connection.Pending(id) is { } pending)
            {
                if (writes.State is not null || writes.Awaiting is not null)
                {
                    created.Add((pending, writes));
                }
            }
            else if (writes.State is not null)
            {
                changed.Add((id, writes.State, writes.Failed));
            }
        }

        // Checked (and the requests built) before anything is written.
        var requests = created.Select(c => HangfireJobRequests.ForNewJob(storage, c.Job, c.Writes.State, c.Writes.Awaiting, c.Writes.Queue)).ToList();
        foreach (var (id, state, failed) in changed.Where(c => !c.Failed))
        {
            CheckStateChange(id, state);
        }
        var schedules = _recurring.Select(r => (Name: r.Key, Update: RecurringJobs.Plan(storage, r.Key, r.Value))).ToList();

        if (requests.Count > 0)
        {
            // A job Hangfire's recurring job manager triggered (TriggerJob names it the recurring job's
            // last job in this transaction) is the schedule's trigger: its last fire shows it.
            var triggers = TriggeredSchedules();
            var plain = new List<JobRequest>(requests.Count);
            var triggered = new List<(string Schedule, JobRequest Request)>();
            foreach (var request in requests)
            {
                if (request.Options?.Id is { } id && triggers.TryGetValue(id, out var schedule))
                {
                    triggered.Add((schedule, request));
                }
                else
                {
                    plain.Add(request);
                }
            }
            if (plain.Count > 0)
            {
                storage.Engine.Jobs.EnqueueMany(plain);
            }
            foreach (var (schedule, request) in triggered)
            {
                JobsStorageConnection.Wait(storage.Engine.Schedules.TriggerAsync(schedule, request));
            }
            foreach (var (job, _) in created)
            {
                connection.TryTakePending(job.Id, out _);
            }
        }
        foreach (var (id, state, failed) in changed)
        {
            ChangeState(storage, id, failed ? new EnqueuedState() : state);
        }
        foreach (var (name, update) in schedules)
        {
            update?.Invoke();
        }
        foreach (var name in _recurringRemoved)
        {
            JobsStorageConnection.Wait(storage.Engine.Schedules.RemoveAsync(name));
        }
    }

    /// <summary>The recurring jobs this transaction names a last job for, by that job's id.</summary>
    private Dictionary<long, string> TriggeredSchedules()
    {
        var triggers = new Dictionary<long, string>();
        foreach (var (name, fields) in _recurring)
        {
            if (fields.GetValueOrDefault("LastJobId") is { } lastJob && HangfireIds.TryParse(lastJob) is { } id)
            {
                triggers[id] = name;
            }
        }
        return triggers;
    }

    private static void CheckStateChange(long id, IState state)
    {
        if (state is not (DeletedState or EnqueuedState))
        {
            throw new NotSupportedException(
                $"Changing job {id} to the {state.Name} state: on the Jobs storage an existing job can be deleted (BackgroundJob.Delete: " +
                "cancelled, or removed once finished) or requeued (BackgroundJob.Requeue); its other states are the engine's to set " +
                "(a scheduled job runs at its time, Requeue runs it now).");
        }
    }

    /// <summary>
    /// Delete: a job that has not finished is cancelled (Hangfire's Deleted); a finished one (succeeded,
    /// dead) is removed. Requeue: available now, from any state but running. A state change Hangfire's
    /// client turned into Failed (it could not load the job's type or method to run its filters) is a
    /// requeue: the engine's server then ends the job dead, saying which type and method are missing.
    /// </summary>
    private static void ChangeState(JobsStorage storage, long id, IState state)
    {
        var jobs = storage.Engine.Jobs;
        if (state is EnqueuedState)
        {
            JobsStorageConnection.Wait(jobs.RequeueAsync(id));
            return;
        }
        if (!JobsStorageConnection.Wait(jobs.CancelAsync(id))
            && JobsStorageConnection.Wait(jobs.GetAsync(id)) is { State: JobState.Succeeded or JobState.Dead })
        {
            JobsStorageConnection.Wait(jobs.DeleteAsync(id));
        }
    }

    private JobWrites Writes(string jobId)
    {
        var id = HangfireIds.Parse(jobId);
        if (!_jobs.TryGetValue(id, out var writes))
        {
            _jobs[id] = writes = new JobWrites();
        }
        return writes;
    }

    private static void CheckCounter(string key)
    {
        if (!key.StartsWith("stats:", StringComparison.Ordinal))
        {
            throw JobsStorageConnection.Unsupported($"IncrementCounter('{key}')");
        }
    }

    private static void CheckSet(string key, string call)
    {
        if (!EngineKeptSets.Contains(key))
        {
            throw JobsStorageConnection.Unsupported($"{call}('{key}')");
        }
    }

    private sealed class JobWrites
    {
        public IState? State { get; set; }
        public AwaitingState? Awaiting { get; set; }
        public string? Queue { get; set; }
        public bool Failed { get; set; }
    }
}
