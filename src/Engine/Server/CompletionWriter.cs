using System.Threading.Channels;
using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Jobs.Engine.Server;

/// <summary>
/// Writes the ends of attempts in batches: while one batch is being written, the next accumulates,
/// so under load one statement finishes hundreds of jobs, and when idle a completion is written at
/// once. Until a completion is written its job stays running in the database; if this process dies
/// first, the rescuer runs the job again (at-least-once).
/// </summary>
internal sealed partial class CompletionWriter(
    JobStore store,
    HeldJobs held,
    IOptions<JobServerOptions> options,
    TimeProvider timeProvider,
    ILogger<CompletionWriter> logger)
{
    private readonly Channel<Completion> _pending = Channel.CreateUnbounded<Completion>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private Task _loop = Task.CompletedTask;
    private CancellationTokenSource? _abandon;

    /// <summary>Raised after a batch with a job that runs again after a delay, with the shortest delay.</summary>
    public event Action<TimeSpan>? DelayedJobWritten;

    public int Pending => _pending.Reader.Count;

    /// <summary>The claims whose end is not yet written (see <see cref="HeldJobs"/>).</summary>
    public HeldJobs Held => held;

    public void Start()
    {
        _abandon = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_abandon.Token));
    }

    public void Add(Completion completion)
    {
        if (!_pending.Writer.TryWrite(completion))
        {
            LogDroppedAfterStop(logger, completion.Id, completion.Attempt);
        }
    }

    /// <summary>Writes everything still pending, giving up after <paramref name="timeout"/> (those jobs will be rescued).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _pending.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(timeout, timeProvider);
        }
        catch (TimeoutException)
        {
            LogAbandoned(logger, _pending.Reader.Count);
            _abandon?.Cancel();
        }
    }

    private async Task RunAsync(CancellationToken abandon)
    {
        var batchSize = options.Value.CompletionBatchSize;
        var batch = new List<Completion>(batchSize);
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync(abandon))
        {
            batch.Clear();
            while (batch.Count < batchSize && reader.TryRead(out var completion))
            {
                batch.Add(completion);
            }
            await WriteWithRetriesAsync(batch, abandon);

            TimeSpan? shortest = null;
            foreach (var c in batch)
            {
                if (c.DelayMs is { } ms && (shortest is null || ms < shortest.Value.TotalMilliseconds))
                {
                    shortest = TimeSpan.FromMilliseconds(ms);
                }
            }
            if (shortest is { } delay)
            {
                DelayedJobWritten?.Invoke(delay);
            }
        }
    }

    private async Task WriteWithRetriesAsync(List<Completion> batch, CancellationToken abandon)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await store.CompleteAsync(batch, abandon);
                Release(batch);
                return;
            }
            catch (PostgresException e) when (!IsTransient(e))
            {
                // A statement the database refuses will be refused again: write one by one so a
                // single bad completion cannot hold back the others.
                LogBatchRefused(logger, e, batch.Count);
                await WriteOneByOneAsync(batch, abandon);
                Release(batch);
                return;
            }
            catch (Exception e) when (!abandon.IsCancellationRequested)
            {
                LogWriteFailed(logger, e, batch.Count, backoff);
                await Task.Delay(backoff, timeProvider, abandon);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task WriteOneByOneAsync(List<Completion> batch, CancellationToken abandon)
    {
        foreach (var completion in batch)
        {
            try
            {
                await store.CompleteAsync([completion], abandon);
            }
            catch (PostgresException e) when (!IsTransient(e))
            {
                LogCompletionRefused(logger, e, completion.Id, completion.Attempt, completion.State);
            }
        }
    }

    // Written (or refused for good): the database no longer holds these claims for this server as running.
    private void Release(List<Completion> batch)
    {
        foreach (var completion in batch)
        {
            held.Remove(completion.Id, completion.ClaimedAt);
        }
    }

    private static bool IsTransient(PostgresException e) =>
        e.IsTransient || e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57", StringComparison.Ordinal)
        || e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Writing {Count} completions failed; retrying in {Backoff}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, TimeSpan backoff);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "The database refused a batch of {Count} completions; writing them one by one")]
    private static partial void LogBatchRefused(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "The database refused the completion of job {JobId} attempt {Attempt} as {State}; the job stays running until it is rescued")]
    private static partial void LogCompletionRefused(ILogger logger, Exception exception, long jobId, int attempt, States.JobState state);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Gave up writing {Count} completions at shutdown; those jobs will be rescued and run again")]
    private static partial void LogAbandoned(ILogger logger, int count);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "Completion of job {JobId} attempt {Attempt} arrived after shutdown; the job will be rescued and run again")]
    private static partial void LogDroppedAfterStop(ILogger logger, long jobId, int attempt);
}
