using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Ui;

/// <summary>One step in a job's life, as the detail page shows it.</summary>
/// <param name="At">When.</param>
/// <param name="Title">What happened.</param>
/// <param name="Detail">More (an error type and message), or null.</param>
/// <param name="Server">Where, or null.</param>
/// <param name="Tone">The marker's colour: failed, succeeded, running, dead, or empty.</param>
public sealed record TimelineStep(DateTimeOffset At, string Title, string? Detail, string? Server, string Tone);

/// <summary>
/// A job's history derived from what the job row keeps: created, scheduled, each failed attempt
/// (attempt, time, server, type), the latest attempt, and how it finished.
/// </summary>
public static class JobTimeline
{
    public static IReadOnlyList<TimelineStep> For(JobInfo job)
    {
        var steps = new List<TimelineStep> { new(job.CreatedAt, $"Enqueued to queue {job.Queue}", null, null, "") };
        if (job.ScheduledAt - job.CreatedAt > TimeSpan.FromSeconds(1) && job.Errors.Count == 0)
        {
            steps.Add(new(job.ScheduledAt, "Due (scheduled run time)", null, null, ""));
        }
        foreach (var error in job.Errors)
        {
            steps.Add(new(error.At, $"Attempt {error.Attempt} failed" + (error.DurationMs is { } ms ? $" after {Format.Millis(ms)}" : ""),
                $"{error.Type}: {Format.Cut(error.Error, 200)}", error.Server, "failed"));
        }
        var latestFailed = job.Errors.Count > 0 && job.Errors[^1].Attempt == job.Attempt;
        if (job.AttemptedAt is { } started && !latestFailed)
        {
            steps.Add(new(started, $"Attempt {job.Attempt} started", null, job.ServerId, job.State == JobState.Running ? "running" : ""));
        }
        if (job.State is JobState.Retrying or JobState.Scheduled && job.Errors.Count > 0)
        {
            steps.Add(new(job.ScheduledAt, $"Retry due (attempt {job.Attempt + 1} of {job.MaxAttempts})", null, null, ""));
        }
        if (job.FinalizedAt is { } finished)
        {
            var (title, tone) = job.State switch
            {
                JobState.Succeeded => ("Succeeded", "succeeded"),
                JobState.Dead => ("Dead (dead letter)", "dead"),
                JobState.Cancelled => ("Cancelled", ""),
                _ => ($"Finished, now {job.State.ToDb()}", ""),
            };
            steps.Add(new(finished, title, null, job.State == JobState.Succeeded ? job.ServerId : null, tone));
        }
        // A requeued job keeps its history; order by time, the enqueue first.
        return steps.OrderBy(s => s.At).ToList();
    }
}
