using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Server;

/// <summary>
/// Runs one attempt: binds the args, calls the handler in its own scope under its timeout, and
/// turns what happened into a <see cref="Completion"/> for the <see cref="CompletionWriter"/>.
/// </summary>
internal sealed partial class JobExecutor(
    JobKindRegistry registry,
    IServiceScopeFactory scopes,
    IOptions<JobServerOptions> options,
    CompletionWriter completions,
    RunningJobs running,
    JobsMetrics metrics,
    StatsCollector stats,
    ServerIdentity identity,
    TimeProvider timeProvider,
    ILogger<JobExecutor> logger)
{
    private const int MaxStackLength = 16_000;

    /// <summary>Runs the attempt to its end; returns when the handler has returned (or was abandoned and then returned).</summary>
    public async Task RunAsync(ClaimedJob claim)
    {
        var attempt = running.Start(claim.Job.Id, claim.ClaimedAt);
        var started = timeProvider.GetTimestamp();
        metrics.Started(claim.Job.Kind, claim.Job.Queue, claim.ClaimedAt - claim.Job.ScheduledAt);
        using var activity = JobsTracing.StartRun(claim);
        try
        {
            using (logger.BeginScope(new JobLogScope(claim.Job)))
            {
                await ExecuteAsync(claim, attempt, started);
            }
        }
        finally
        {
            running.End(attempt);
        }
    }

    private async Task ExecuteAsync(ClaimedJob claim, RunningAttempt attempt, long started)
    {
        if (!registry.TryGet(claim.Job.Kind, out var registration))
        {
            var known = string.Join(", ", registry.All.Select(k => k.Kind).Order(StringComparer.Ordinal));
            Finish(claim, started, Dead(claim, started, "unknown_kind",
                $"No handler is registered for kind '{claim.Job.Kind}' on server {identity.Id} (registered: {known}). " +
                "Deploy a worker that handles it, then requeue the job.", null));
            return;
        }

        object args;
        try
        {
            args = registration.Invoker.Bind(claim.ArgsJson);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            Finish(claim, started, Dead(claim, started, "binding",
                $"The arguments do not bind to {registration.ArgsType.Name}: {e.Message}", null));
            return;
        }

        var server = options.Value;
        var timeout = claim.Timeout ?? registration.Options.Timeout ?? server.DefaultTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, timeoutSource.Token);
        await using var scope = scopes.CreateAsyncScope();
        JobCorrelation.CurrentId = claim.Job.CorrelationId;
        LogStarted(logger, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt);

        Task handler;
        try
        {
            handler = registration.Invoker.InvokeAsync(scope.ServiceProvider, args, claim.Job, linked.Token);
        }
        catch (Exception e)
        {
            handler = Task.FromException(e);
        }

        if (!handler.IsCompleted)
        {
            await WaitQuietlyAsync(handler.WaitAsync(linked.Token));
            if (!handler.IsCompleted)
            {
                // The token fired and the handler is still running: give it the grace period.
                await WaitQuietlyAsync(handler.WaitAsync(server.CancellationGrace, timeProvider));
            }
            if (!handler.IsCompleted)
            {
                LogAbandoned(logger, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt, server.CancellationGrace);
                Finish(claim, started, Stopped(claim, registration, attempt, started, timeout, null, abandoned: true));
                // The attempt is recorded; keep this worker busy until the handler really returns,
                // so handlers that ignore cancellation can never pile up beyond the worker count.
                await WaitQuietlyAsync(handler);
                return;
            }
        }

        if (handler.IsCompletedSuccessfully)
        {
            Finish(claim, started, attempt.Reason == StopReason.Lost ? Outcome.Lost : new Outcome("succeeded", Completion.Succeeded(claim)));
            return;
        }

        var error = handler.Exception?.InnerException ?? new OperationCanceledException(linked.Token);
        var outcome = attempt.Reason != StopReason.None || timeoutSource.IsCancellationRequested
            ? Stopped(claim, registration, attempt, started, timeout, error, abandoned: false)
            : Failed(claim, registration, started, error);
        Finish(claim, started, outcome);
    }

    private Outcome Failed(ClaimedJob claim, JobKindRegistration registration, long started, Exception error)
    {
        switch (error)
        {
            case SnoozeJobException snooze:
                LogSnoozed(logger, claim.Job.Id, claim.Job.Kind, snooze.Delay);
                return new Outcome("snoozed", new Completion(claim.Job.Id, claim.Job.Attempt, claim.ClaimedAt,
                    snooze.Delay > TimeSpan.Zero ? JobState.Scheduled : JobState.Available,
                    DelayMs: (long)snooze.Delay.TotalMilliseconds, Refund: 1));
            case PermanentJobFailureException:
                return Dead(claim, started, error.GetType().FullName!, error.Message, error);
            case CancelJobException:
                LogCancelledByHandler(logger, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt, error.Message);
                return new Outcome("cancelled", new Completion(claim.Job.Id, claim.Job.Attempt, claim.ClaimedAt, JobState.Cancelled,
                    ErrorJson: ErrorEntry(claim, started, error.GetType().FullName!, error.Message, error)), error.Message);
            case RetryJobException retry:
                return Retry(claim, registration, started, error.GetType().FullName!, error.Message, error, retry.RetryAfter);
            default:
                return Retry(claim, registration, started, error.GetType().FullName!, error.Message, error, TimeSpan.Zero);
        }
    }

    /// <summary>The attempt ended because its token fired: shutdown hands back, a lost attempt writes nothing, a timeout fails.</summary>
    private Outcome Stopped(ClaimedJob claim, JobKindRegistration registration, RunningAttempt attempt, long started, TimeSpan timeout,
        Exception? error, bool abandoned)
    {
        switch (attempt.Reason)
        {
            case StopReason.Shutdown:
                LogHandedBack(logger, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt);
                return new Outcome("handed_back", new Completion(claim.Job.Id, claim.Job.Attempt, claim.ClaimedAt, JobState.Available, Refund: 1));
            case StopReason.Lost:
                return Outcome.Lost;
            default:
                var message = abandoned
                    ? $"Timed out after {timeout} and did not stop within {options.Value.CancellationGrace} of its cancellation token firing."
                    : $"Timed out after {timeout}.";
                return Retry(claim, registration, started, "timeout", message, error, TimeSpan.Zero);
        }
    }

    private Outcome Retry(ClaimedJob claim, JobKindRegistration registration, long started, string type, string message,
        Exception? error, TimeSpan atLeast)
    {
        if (claim.Job.Attempt >= claim.Job.MaxAttempts)
        {
            return Dead(claim, started, type, message, error);
        }
        var policy = registration.Options.Retry ?? options.Value.Retry;
        var delay = policy.NextDelay(claim.Job.Attempt, Random.Shared);
        if (delay < atLeast)
        {
            delay = atLeast;
        }
        LogRetrying(logger, error, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt, claim.Job.MaxAttempts, delay, message);
        return new Outcome("retrying", new Completion(claim.Job.Id, claim.Job.Attempt, claim.ClaimedAt,
            delay > TimeSpan.Zero ? JobState.Retrying : JobState.Available,
            DelayMs: (long)delay.TotalMilliseconds,
            ErrorJson: ErrorEntry(claim, started, type, message, error)), message);
    }

    private Outcome Dead(ClaimedJob claim, long started, string type, string message, Exception? error)
    {
        LogDead(logger, error, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt, message);
        return new Outcome("dead", new Completion(claim.Job.Id, claim.Job.Attempt, claim.ClaimedAt, JobState.Dead, ErrorJson: ErrorEntry(claim, started, type, message, error)), message);
    }

    private string ErrorEntry(ClaimedJob claim, long started, string type, string message, Exception? error)
    {
        var stack = error?.ToString();
        if (stack is { Length: > MaxStackLength })
        {
            stack = stack[..MaxStackLength] + "…";
        }
        return ErrorJson.Write(new JobError(claim.Job.Attempt, timeProvider.GetUtcNow(), identity.Id, type, message, stack,
            Math.Round(timeProvider.GetElapsedTime(started).TotalMilliseconds, 3)));
    }

    private void Finish(ClaimedJob claim, long started, Outcome outcome)
    {
        var elapsed = timeProvider.GetElapsedTime(started);
        if (outcome.Completion is { } completion)
        {
            completions.Add(completion);
        }
        if (outcome.Name == "succeeded")
        {
            LogSucceeded(logger, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt, elapsed.TotalMilliseconds);
        }
        var threshold = registry.TryGet(claim.Job.Kind, out var registration) && registration.Options.SlowThreshold is { } own
            ? own : options.Value.SlowJobThreshold;
        var slow = elapsed > threshold;
        if (slow)
        {
            LogSlow(logger, claim.Job.Id, claim.Job.Kind, claim.Job.Attempt, elapsed.TotalMilliseconds, outcome.Name, threshold, true);
        }
        metrics.Completed(claim.Job.Kind, claim.Job.Queue, outcome.Name, elapsed, slow);
        JobsTracing.Ended(outcome.Name, outcome.Error);
        stats.Record(claim.Job.Queue, claim.Job.Kind, outcome.Name, claim.ClaimedAt - claim.Job.ScheduledAt, elapsed);
    }

    private static async Task WaitQuietlyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // Only waiting here; the handler's own task is inspected by the caller.
        }
    }

    /// <summary>How an attempt ended, and what to write (nothing for an attempt the database no longer holds).</summary>
    private sealed record Outcome(string Name, Completion? Completion, string? Error = null)
    {
        public static readonly Outcome Lost = new("cancelled", null);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Job {JobId} ({Kind}) attempt {Attempt} started")]
    private static partial void LogStarted(ILogger logger, long jobId, string kind, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Job {JobId} ({Kind}) attempt {Attempt} succeeded in {ElapsedMs:0.0} ms")]
    private static partial void LogSucceeded(ILogger logger, long jobId, string kind, int attempt, double elapsedMs);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt} of {MaxAttempts} failed; retrying in {Delay}: {Error}")]
    private static partial void LogRetrying(ILogger logger, Exception? exception, long jobId, string kind, int attempt, int maxAttempts, TimeSpan delay, string error);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) is dead after attempt {Attempt}: {Error}")]
    private static partial void LogDead(ILogger logger, Exception? exception, long jobId, string kind, int attempt, string error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) snoozed for {Delay}")]
    private static partial void LogSnoozed(ILogger logger, long jobId, string kind, TimeSpan delay);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) attempt {Attempt} handed back at shutdown; the attempt is not counted")]
    private static partial void LogHandedBack(ILogger logger, long jobId, string kind, int attempt);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning,
        Message = "Job {JobId} ({Kind}) attempt {Attempt} was slow: {ElapsedMs:0} ms, {Outcome} (slow after {SlowThreshold}; Slow={Slow})")]
    private static partial void LogSlow(ILogger logger, long jobId, string kind, int attempt, double elapsedMs, string outcome, TimeSpan slowThreshold, bool slow);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) attempt {Attempt} cancelled by its handler: {Reason}")]
    private static partial void LogCancelledByHandler(ILogger logger, long jobId, string kind, int attempt, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) attempt {Attempt} ignored its cancellation token for {Grace}; recorded without waiting for it")]
    private static partial void LogAbandoned(ILogger logger, long jobId, string kind, int attempt, TimeSpan grace);
}
