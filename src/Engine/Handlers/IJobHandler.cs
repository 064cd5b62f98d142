namespace Jobs.Engine.Handlers;

/// <summary>
/// Runs jobs of one kind. A new scope is created for every job, so a handler may depend on scoped
/// services. Delivery is at least once: write handlers so that running a job twice has the effect
/// of running it once.
/// </summary>
/// <remarks>
/// Return normally and the job succeeds. Throw and the attempt fails: it is retried with backoff
/// until its attempts are spent, then it is dead. Throw <see cref="PermanentJobFailureException"/>
/// to go straight to dead, <see cref="SnoozeJobException"/> to run later without spending an
/// attempt, or <see cref="RetryJobException"/> to fail the attempt with a minimum delay (a
/// <c>Retry-After</c>). The cancellation token fires on the job's timeout, on cancellation by an
/// operator, and when the server's drain period at shutdown has run out.
/// </remarks>
/// <typeparam name="TArgs">The kind's arguments.</typeparam>
public interface IJobHandler<TArgs> where TArgs : IJobArgs
{
    /// <summary>Runs one attempt of a job.</summary>
    Task ExecuteAsync(JobContext<TArgs> job, CancellationToken cancellationToken);
}
