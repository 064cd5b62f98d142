namespace Jobs.Engine.States;

/// <summary>
/// The states a job moves through. Stored as lower-case text in the <c>state</c> column, guarded by a
/// CHECK constraint. Hangfire's names are given for users who know it.
/// </summary>
public enum JobState
{
    /// <summary>
    /// Waiting for its run time (enqueued with a delay or a run time, or snoozed by its handler).
    /// The promoter makes it <see cref="Available"/> when the time comes. Hangfire: Scheduled.
    /// </summary>
    Scheduled,

    /// <summary>
    /// Ready to run: the next free worker of its queue claims it, oldest first within a priority.
    /// Hangfire: Enqueued.
    /// </summary>
    Available,

    /// <summary>
    /// Claimed by a server and running (or about to start there). If the server stops
    /// heartbeating, the rescuer returns the job for another attempt. Hangfire: Processing.
    /// </summary>
    Running,

    /// <summary>Its handler completed. Kept as history until retention prunes it. Hangfire: Succeeded.</summary>
    Succeeded,

    /// <summary>
    /// An attempt failed and attempts remain: waits for its backoff delay, then becomes
    /// <see cref="Available"/>. Every attempt's error is kept on the job. Hangfire: Scheduled (by a retry).
    /// </summary>
    Retrying,

    /// <summary>
    /// The dead-letter state: the last attempt failed, the handler failed it permanently, or the
    /// job could not run at all (unknown kind, arguments that do not bind). Stays until an operator
    /// requeues or deletes it, or retention prunes it. Hangfire: Failed.
    /// </summary>
    Dead,

    /// <summary>
    /// Cancelled by an operator or a caller before it finished; a running job's handler sees its
    /// cancellation token fire. Hangfire: Deleted.
    /// </summary>
    Cancelled,

    /// <summary>
    /// A continuation waiting for the job it continues (<see cref="Client.EnqueueOptions.After"/>) to
    /// finish. When that job succeeds it becomes <see cref="Available"/>; when that job is cancelled
    /// it becomes available or cancelled, as its <see cref="Client.ContinueWhen"/> says. A dead parent
    /// releases nothing: it may be requeued, and succeed. Hangfire: Awaiting.
    /// </summary>
    Awaiting,
}
