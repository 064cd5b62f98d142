using Jobs.Engine.Handlers;
using Npgsql;

namespace Jobs.Engine.Client;

/// <summary>
/// Enqueues jobs and steers them: the engine's counterpart of Hangfire's <c>IBackgroundJobClient</c>.
/// Thread-safe; register once (<c>AddJobsEngine</c>) and inject anywhere.
/// </summary>
public interface IJobClient
{
    /// <summary>Enqueues one job. With an idempotency key already held, returns the existing job.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    Task<EnqueuedJob> EnqueueAsync<TArgs>(TArgs args, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
        where TArgs : IJobArgs;

    /// <summary>
    /// Enqueues one job inside the caller's transaction: the job exists if and only if the
    /// transaction commits, and servers are woken when it does.
    /// </summary>
    Task<EnqueuedJob> EnqueueAsync<TArgs>(NpgsqlTransaction transaction, TArgs args, EnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
        where TArgs : IJobArgs;

    /// <summary>Enqueues one job of a kind named at run time, with its arguments as JSON (the HTTP API's path).</summary>
    Task<EnqueuedJob> EnqueueAsync(JobRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues many jobs in one statement, all or none. Results are in the order of
    /// <paramref name="requests"/>.
    /// </summary>
    Task<IReadOnlyList<EnqueuedJob>> EnqueueManyAsync(IReadOnlyCollection<JobRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="EnqueueManyAsync(IReadOnlyCollection{JobRequest}, CancellationToken)"/> for callers that cannot
    /// await (Hangfire's client API is synchronous): the calling thread does the database I/O itself
    /// instead of blocking on a task, which costs a spinning thread and a free pool thread per call.
    /// Calls of one job each made by many threads at once share one insert and one commit (each
    /// returns once its own job committed); a lone call is inserted at once.
    /// </summary>
    IReadOnlyList<EnqueuedJob> EnqueueMany(IReadOnlyCollection<JobRequest> requests);

    /// <summary>Enqueues many jobs in one statement inside the caller's transaction.</summary>
    Task<IReadOnlyList<EnqueuedJob>> EnqueueManyAsync(NpgsqlTransaction transaction, IReadOnlyCollection<JobRequest> requests,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Draws <paramref name="count"/> job ids ahead of enqueueing, for callers that must name a job
    /// before it exists (give one as <see cref="EnqueueOptions.Id"/>). An id never used is skipped.
    /// </summary>
    Task<IReadOnlyList<long>> ReserveIdsAsync(int count, CancellationToken cancellationToken = default);

    /// <summary><see cref="ReserveIdsAsync"/> on the calling thread, as <see cref="EnqueueMany"/>.</summary>
    IReadOnlyList<long> ReserveIds(int count);

    /// <summary>Reads a job, or null when there is none with this id.</summary>
    Task<JobInfo?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a job available now: retries a dead or cancelled job (with one more attempt if it spent
    /// them all), runs a scheduled or retrying job now, or runs a succeeded job again.
    /// Returns false when the job does not exist or is available or running.
    /// </summary>
    Task<bool> RequeueAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job that has not finished. A running job's cancellation token fires within a second.</summary>
    Task<bool> CancelAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job in any state. A running job's cancellation token fires.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Requeues every job matching the filter, in one statement; returns how many.</summary>
    Task<int> RequeueManyAsync(JobFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Cancels every unfinished job matching the filter, in one statement; returns how many.</summary>
    Task<int> CancelManyAsync(JobFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels every unfinished job matching the filter, in one statement, recording why under the
    /// metadata key <c>cancel_reason</c> (shown with the job); returns how many.
    /// </summary>
    Task<int> CancelManyAsync(JobFilter filter, string reason, CancellationToken cancellationToken = default);

    /// <summary>Deletes every job matching the filter, in one statement; returns how many.</summary>
    Task<int> DeleteManyAsync(JobFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses a queue: no server claims from it until it is resumed (jobs running finish; enqueues
    /// still go in). Servers learn of it through a notification, and at their next heartbeat at the latest.
    /// </summary>
    Task PauseQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused queue; false when it was not paused.</summary>
    Task<bool> ResumeQueueAsync(string queue, CancellationToken cancellationToken = default);
}
