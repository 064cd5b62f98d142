namespace Jobs.Engine.Client;

/// <summary>
/// How one job is enqueued. Every option may be left unset: the kind's policy (written to the
/// database by the servers that run it) applies, then the engine's defaults. No text may hold a NUL
/// character or half of a surrogate pair, which PostgreSQL cannot store (see <see cref="StorableText"/>).
/// </summary>
public sealed record EnqueueOptions
{
    /// <summary>The queue; the kind's queue when unset, else <c>default</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>Higher runs first, from -32768 to 32767; the kind's priority when unset, else 0.</summary>
    public int? Priority { get; init; }

    /// <summary>
    /// Run no earlier than this instant: at most <see cref="EnqueueLimits.MaxDelay"/> (10 years) from now;
    /// an earlier instant means now, but none before <see cref="EnqueueLimits.EarliestRunAt"/> (2000-01-01).
    /// Not together with <see cref="Delay"/>.
    /// </summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Run no earlier than this long after the enqueue commits (measured by the database's clock): 0 to 10 years.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Attempts before the job is dead, 1 to 32767; the kind's when unset, else 25.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>How long one attempt may run; the kind's timeout when unset.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Labels to find the job by in the dashboard and filters: at most 20, each 1 to 100 characters.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// Ties the job to the request or job that caused it; it is logged with every line the job
    /// writes and sent on its outgoing calls. Defaults to <see cref="JobCorrelation.CurrentId"/>.
    /// </summary>
    public string? CorrelationId { get; init; }

    /// <summary>The partition for per-partition concurrency limits (a webhook endpoint, a merchant).</summary>
    public string? PartitionKey { get; init; }

    /// <summary>
    /// A key that makes the enqueue idempotent: while a job of the same kind with this key exists
    /// (until retention removes it), enqueueing again returns that job instead of a new one.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Free-form data kept with the job (shown in the dashboard, not passed to the handler's args).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// Makes the job a continuation of this job id: it waits (<see cref="States.JobState.Awaiting"/>)
    /// until that job finishes, then runs as <see cref="ContinueWhen"/> says. Enqueued after a job that
    /// has already finished, it runs (or is cancelled) at once. The job must exist.
    /// </summary>
    public long? After { get; init; }

    /// <summary>
    /// With <see cref="After"/>: run once the parent succeeded (the default), or once it succeeded or
    /// was cancelled.
    /// </summary>
    public ContinueWhen ContinueWhen { get; init; } = ContinueWhen.Succeeded;

    /// <summary>
    /// The job's id, reserved beforehand with <see cref="IJobClient.ReserveIdsAsync"/>, for callers
    /// that must name a job before it exists. The database refuses an id it never handed out.
    /// </summary>
    public long? Id { get; init; }
}
