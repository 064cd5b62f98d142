using System.Globalization;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage.Monitoring;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// An engine job's history as Hangfire's state history, newest first: its current state, a Failed
/// entry for every failed attempt (its error type, message and stack trace, server and duration), and
/// the state it was created in. The engine keeps every attempt's error on the job, not each
/// transition, so a retry's wait shows within its Failed entry rather than as a Scheduled entry of its own.
/// </summary>
internal static class JobHistory
{
    public static List<StateHistoryDto> Of(JobInfo job)
    {
        var current = HangfireStates.DataOf(job);
        var history = new List<StateHistoryDto>
        {
            new() { StateName = current.Name, Reason = current.Reason, CreatedAt = CurrentSince(job).UtcDateTime, Data = current.Data },
        };
        // A dead job's current state already shows its last error.
        var errors = job.State == JobState.Dead && job.Errors.Count > 0 ? job.Errors.Take(job.Errors.Count - 1) : job.Errors;
        foreach (var error in errors.Reverse())
        {
            history.Add(new StateHistoryDto
            {
                StateName = FailedState.StateName,
                Reason = $"Attempt {error.Attempt} of {job.MaxAttempts} failed",
                CreatedAt = error.At.UtcDateTime,
                Data = Failed(error),
            });
        }
        // Where it started, unless that is all there is to say.
        var created = CreatedState(job);
        if (history.Count > 1 || created.StateName != current.Name)
        {
            history.Add(created);
        }
        return history;
    }

    /// <summary>What a failed attempt shows: Hangfire's Failed state data.</summary>
    public static Dictionary<string, string> Failed(JobError error)
    {
        var data = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["FailedAt"] = JobHelper.SerializeDateTime(error.At.UtcDateTime),
            ["ExceptionType"] = error.Type,
            ["ExceptionMessage"] = error.Error,
            ["ExceptionDetails"] = error.Stack ?? error.Error,
        };
        if (error.Server is not null)
        {
            data["ServerId"] = error.Server;
        }
        if (error.DurationMs is { } ms)
        {
            data["Duration"] = ms.ToString("0", CultureInfo.InvariantCulture) + " ms";
        }
        return data;
    }

    private static StateHistoryDto CreatedState(JobInfo job) => job.After is not null
        ? new StateHistoryDto { StateName = AwaitingState.StateName, CreatedAt = job.CreatedAt.UtcDateTime, Data = new Dictionary<string, string> { ["ParentId"] = job.After.Value.ToString(CultureInfo.InvariantCulture) } }
        : job.ScheduledAt > job.CreatedAt.AddSeconds(1) && job.Errors.Count == 0
            ? new StateHistoryDto
            {
                StateName = ScheduledState.StateName,
                CreatedAt = job.CreatedAt.UtcDateTime,
                Data = new Dictionary<string, string>
                {
                    ["EnqueueAt"] = JobHelper.SerializeDateTime(job.ScheduledAt.UtcDateTime),
                    ["ScheduledAt"] = JobHelper.SerializeDateTime(job.CreatedAt.UtcDateTime),
                },
            }
            : new StateHistoryDto
            {
                StateName = EnqueuedState.StateName,
                CreatedAt = job.CreatedAt.UtcDateTime,
                Data = new Dictionary<string, string>
                {
                    ["EnqueuedAt"] = JobHelper.SerializeDateTime(job.CreatedAt.UtcDateTime),
                    ["Queue"] = job.Queue,
                },
            };

    /// <summary>When the job entered its current state, as near as the engine's columns say.</summary>
    private static DateTimeOffset CurrentSince(JobInfo job) => job.State switch
    {
        JobState.Succeeded or JobState.Dead or JobState.Cancelled => job.FinalizedAt ?? job.ScheduledAt,
        JobState.Running => job.AttemptedAt ?? job.ScheduledAt,
        JobState.Retrying => job.Errors.Count > 0 ? job.Errors[^1].At : job.ScheduledAt,
        JobState.Available when job.Errors.Count > 0 => job.Errors[^1].At > job.ScheduledAt ? job.Errors[^1].At : job.ScheduledAt,
        JobState.Available => job.ScheduledAt > job.CreatedAt ? job.ScheduledAt : job.CreatedAt,
        _ => job.CreatedAt,
    };
}
