using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// The engine's states under Hangfire's names: available → Enqueued, scheduled → Scheduled, running →
/// Processing, succeeded → Succeeded, retrying → Scheduled (listed as Retries), dead → Failed,
/// cancelled → Deleted, awaiting → Awaiting.
/// </summary>
internal static class HangfireStates
{
    public static string NameOf(JobState state) => state switch
    {
        JobState.Available => EnqueuedState.StateName,
        JobState.Scheduled or JobState.Retrying => ScheduledState.StateName,
        JobState.Running => ProcessingState.StateName,
        JobState.Succeeded => SucceededState.StateName,
        JobState.Dead => FailedState.StateName,
        JobState.Cancelled => DeletedState.StateName,
        JobState.Awaiting => AwaitingState.StateName,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown job state."),
    };

    public static StateData DataOf(JobInfo job)
    {
        var last = job.Errors.Count > 0 ? job.Errors[^1] : null;
        var data = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? reason = null;
        switch (job.State)
        {
            case JobState.Available:
                data["EnqueuedAt"] = JobHelper.SerializeDateTime(job.ScheduledAt.UtcDateTime);
                data["Queue"] = job.Queue;
                break;
            case JobState.Scheduled or JobState.Retrying:
                data["EnqueueAt"] = JobHelper.SerializeDateTime(job.ScheduledAt.UtcDateTime);
                data["ScheduledAt"] = JobHelper.SerializeDateTime(job.CreatedAt.UtcDateTime);
                if (job.State == JobState.Retrying && last is not null)
                {
                    reason = $"Retry attempt {job.Attempt} of {job.MaxAttempts - 1}: {last.Error}";
                }
                break;
            case JobState.Running:
                data["StartedAt"] = JobHelper.SerializeDateTime((job.AttemptedAt ?? job.ScheduledAt).UtcDateTime);
                data["ServerId"] = job.ServerId ?? "";
                data["WorkerId"] = job.ServerId ?? "";
                break;
            case JobState.Succeeded:
                data["SucceededAt"] = JobHelper.SerializeDateTime((job.FinalizedAt ?? job.ScheduledAt).UtcDateTime);
                break;
            case JobState.Dead:
                data["FailedAt"] = JobHelper.SerializeDateTime((job.FinalizedAt ?? job.ScheduledAt).UtcDateTime);
                data["ExceptionType"] = last?.Type ?? "";
                data["ExceptionMessage"] = last?.Error ?? "";
                data["ExceptionDetails"] = last?.Stack ?? last?.Error ?? "";
                data["ServerId"] = last?.Server ?? "";
                reason = last?.Error;
                break;
            case JobState.Cancelled:
                data["DeletedAt"] = JobHelper.SerializeDateTime((job.FinalizedAt ?? job.ScheduledAt).UtcDateTime);
                reason = last?.Error;
                break;
            case JobState.Awaiting:
                data["ParentId"] = job.After?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
                data["Options"] = (job.ContinueWhen == ContinueWhen.Finished
                    ? global::Hangfire.JobContinuationOptions.OnAnyFinishedState
                    : global::Hangfire.JobContinuationOptions.OnlyOnSucceededState).ToString("G");
                break;
        }
        return new StateData { Name = NameOf(job.State), Reason = reason, Data = data };
    }
}
