using Jobs.Engine.States;

namespace Jobs.Engine.Storage;

/// <summary>
/// The end of one attempt, waiting to be written. <see cref="ClaimedAt"/> (the database time of the
/// claim that started the attempt) fences the write to that attempt. <see cref="Refund"/> gives the
/// attempt back (snooze, hand-back at shutdown); <see cref="DelayMs"/> sets the next run time from
/// the database's clock.
/// </summary>
internal readonly record struct Completion(
    long Id,
    int Attempt,
    DateTime ClaimedAt,
    JobState State,
    long? DelayMs = null,
    short Refund = 0,
    string? ErrorJson = null)
{
    public static Completion Succeeded(ClaimedJob claim) => new(claim.Job.Id, claim.Job.Attempt, claim.ClaimedAt, JobState.Succeeded);
}
