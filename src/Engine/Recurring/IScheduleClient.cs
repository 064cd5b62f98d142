using Jobs.Engine.Client;

namespace Jobs.Engine.Recurring;

/// <summary>
/// Manages recurring schedules at run time: the engine's counterpart of Hangfire's
/// <c>IRecurringJobManager</c>, plus pause and resume.
/// </summary>
public interface IScheduleClient
{
    /// <summary>Every schedule, by name.</summary>
    Task<IReadOnlyList<ScheduleInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>One schedule, or null.</summary>
    Task<ScheduleInfo?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a schedule. Throws <see cref="ArgumentException"/> naming an invalid cron, time zone or option.</summary>
    Task AddOrUpdateAsync(string name, ScheduleOptions schedule, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a schedule at run time (as an operator does); false when a schedule, declared or not,
    /// holds the name already. Throws <see cref="ArgumentException"/> naming an invalid cron, time zone or option.
    /// </summary>
    Task<bool> CreateAsync(string name, ScheduleOptions schedule, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the definition of a schedule created at run time, keeping its pause and its next fire
    /// unless the cron or time zone changed. False when there is none, or it is declared in code or
    /// configuration (those are owned by their declaration: the next start would write it back).
    /// </summary>
    Task<bool> UpdateAsync(string name, ScheduleOptions schedule, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule (jobs it already enqueued stay). False when there is none.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stops a schedule firing until resumed. False when there is none.</summary>
    Task<bool> PauseAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused schedule from its next fire time after now; fire times passed while paused are skipped.</summary>
    Task<bool> ResumeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Enqueues the schedule's job now, whether paused or not, without changing its next fire. Returns the job id, or null when there is no such schedule.</summary>
    Task<long?> TriggerAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Triggers the schedule with a job its caller built (an adapter whose own API makes the job,
    /// such as Hangfire's <c>RecurringJob.TriggerJob</c>): enqueues <paramref name="job"/> and records
    /// it as the schedule's last fire, in one transaction, as <see cref="TriggerAsync(string, CancellationToken)"/> does.
    /// A schedule removed meanwhile records nothing; the job is enqueued all the same. Returns its id.
    /// </summary>
    Task<long> TriggerAsync(string name, JobRequest job, CancellationToken cancellationToken = default);
}
