using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Jobs.Engine.Client;
using Jobs.Hangfire.Storage;

namespace Jobs.Hangfire.Client;

/// <summary>
/// The engine enqueue of a Hangfire job whose first state was just elected: Enqueued → available in
/// its queue, Scheduled → scheduled for its time, Awaiting → a continuation (<see cref="EnqueueOptions.After"/>)
/// that the engine releases when the parent finishes. The engine decides a continuation's state in
/// the same statement that inserts it, so a parent finishing meanwhile is never missed, whatever
/// Hangfire's client saw of the parent a moment earlier.
/// </summary>
internal static class HangfireJobRequests
{
    public static JobRequest ForNewJob(JobsStorage storage, PendingJob pending, IState? state, AwaitingState? traversed, string? addedQueue)
    {
        var job = pending.Job;
        var policy = HangfireJobPolicy.For(job, storage.FilterProvider);
        var awaiting = state as AwaitingState ?? traversed;
        string queue;
        DateTimeOffset? runAt = null;
        long? after = null;
        var continueWhen = ContinueWhen.Succeeded;
        if (awaiting is not null)
        {
            after = HangfireIds.TryParse(awaiting.ParentId)
                ?? throw new InvalidOperationException($"Can not add a continuation: parent background job '{awaiting.ParentId}' does not exist.");
            continueWhen = ContinueWhenOf(awaiting.Options);
            switch (awaiting.NextState)
            {
                case EnqueuedState next:
                    queue = policy.QueueFor(job, next.Queue);
                    break;
                case ScheduledState next:
                    queue = policy.QueueFor(job, null);
                    runAt = Utc(next.EnqueueAt);
                    break;
                default:
                    throw new NotSupportedException(
                        $"A continuation whose next state is {awaiting.NextState?.Name ?? "null"}: on the Jobs storage a continuation " +
                        "runs when its parent finishes (an Enqueued next state) or at a time after that (a Scheduled one).");
            }
        }
        else
        {
            switch (state)
            {
                case EnqueuedState enqueued:
                    queue = addedQueue ?? policy.QueueFor(job, enqueued.Queue);
                    break;
                case ScheduledState scheduled:
                    queue = policy.QueueFor(job, null);
                    runAt = Utc(scheduled.EnqueueAt);
                    break;
                default:
                    throw new NotSupportedException(
                        $"Creating a job in the {state?.Name ?? "null"} state: on the Jobs storage a new job is Enqueued " +
                        "(BackgroundJob.Enqueue), Scheduled (BackgroundJob.Schedule) or Awaiting (BackgroundJob.ContinueJobWith).");
            }
        }

        var metadata = new Dictionary<string, string>();
        if (policy.DisplayName is { } displayName)
        {
            metadata[JobMetadata.DisplayName] = displayName;
        }
        if (pending.Parameters.GetValueOrDefault("RecurringJobId") is { } recurring
            && SerializationHelper.Deserialize<string>(recurring, SerializationOption.User) is { } schedule)
        {
            // Triggered through Hangfire's recurring job manager: marked as the engine marks its own triggers.
            metadata["schedule"] = schedule;
            metadata["triggered"] = "manual";
        }
        return new JobRequest(policy.Kind, policy.Args(HangfireInvocation.ToArgs(job, pending.Parameters)), new EnqueueOptions
        {
            Id = pending.Id,
            Queue = queue,
            RunAt = runAt,
            MaxAttempts = policy.MaxAttempts,
            PartitionKey = policy.PartitionKey,
            After = after,
            ContinueWhen = continueWhen,
            Metadata = metadata.Count > 0 ? metadata : null,
        });
    }

    private static ContinueWhen ContinueWhenOf(JobContinuationOptions options) => options switch
    {
        JobContinuationOptions.OnlyOnSucceededState => ContinueWhen.Succeeded,
        // Failed is not final in Hangfire, so "succeeded or deleted" is any final state.
        JobContinuationOptions.OnAnyFinishedState
            or (JobContinuationOptions.OnlyOnSucceededState | JobContinuationOptions.OnlyOnDeletedState) => ContinueWhen.Finished,
        _ => throw new NotSupportedException(
            $"JobContinuationOptions.{options}: the Jobs storage runs a continuation after its parent succeeded " +
            "(OnlyOnSucceededState) or finished either way (OnAnyFinishedState), not only after it was deleted."),
    };

    private static DateTimeOffset Utc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
