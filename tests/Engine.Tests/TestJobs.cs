using System.Collections.Concurrent;
using Jobs.Engine.Handlers;

namespace Jobs.Engine.Tests;

/// <summary>What the test handlers saw: every attempt, and how many ran at once (overall and per partition).</summary>
public sealed class Probe
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _runningByPartition = [];
    private int _running;

    public ConcurrentQueue<Execution> Executions { get; } = new();
    public ConcurrentDictionary<string, int> MaxByPartition { get; } = new();
    public int MaxRunning { get; private set; }
    public ConcurrentQueue<long> TokenFired { get; } = new();

    public void Enter(string? partition)
    {
        lock (_gate)
        {
            MaxRunning = Math.Max(MaxRunning, ++_running);
            if (partition is not null)
            {
                var n = _runningByPartition[partition] = _runningByPartition.GetValueOrDefault(partition) + 1;
                MaxByPartition.AddOrUpdate(partition, n, (_, old) => Math.Max(old, n));
            }
        }
    }

    public void Exit(string? partition)
    {
        lock (_gate)
        {
            _running--;
            if (partition is not null)
            {
                _runningByPartition[partition]--;
            }
        }
    }

    public int Count(long jobId) => Executions.Count(e => e.JobId == jobId);

    public sealed record Execution(long JobId, int Attempt, string Tag, DateTimeOffset At);
}

/// <summary>Records the attempt and succeeds.</summary>
public sealed record RecordArgs(string Tag) : IJobArgs
{
    public static string Kind => "test.record";
}

public sealed class RecordHandler(Probe probe) : IJobHandler<RecordArgs>
{
    public Task ExecuteAsync(JobContext<RecordArgs> job, CancellationToken cancellationToken)
    {
        probe.Executions.Enqueue(new Probe.Execution(job.Id, job.Attempt, job.Args.Tag, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

/// <summary>Holds a worker for <paramref name="Ms"/> milliseconds (forever when negative), counting how many run at once.</summary>
public sealed record HoldArgs(int Ms) : IJobArgs
{
    public static string Kind => "test.hold";
}

public sealed class HoldHandler(Probe probe) : IJobHandler<HoldArgs>
{
    public async Task ExecuteAsync(JobContext<HoldArgs> job, CancellationToken cancellationToken)
    {
        probe.Executions.Enqueue(new Probe.Execution(job.Id, job.Attempt, "hold", DateTimeOffset.UtcNow));
        probe.Enter(job.Job.PartitionKey);
        try
        {
            await Task.Delay(job.Args.Ms < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(job.Args.Ms), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.TokenFired.Enqueue(job.Id);
            throw;
        }
        finally
        {
            probe.Exit(job.Job.PartitionKey);
        }
    }
}

/// <summary>A second kind with the same handler shape, for limits on one kind only.</summary>
public sealed record LimitedArgs(int Ms) : IJobArgs
{
    public static string Kind => "test.limited";
}

public sealed class LimitedHandler(Probe probe) : IJobHandler<LimitedArgs>
{
    public async Task ExecuteAsync(JobContext<LimitedArgs> job, CancellationToken cancellationToken)
    {
        probe.Executions.Enqueue(new Probe.Execution(job.Id, job.Attempt, "limited", DateTimeOffset.UtcNow));
        probe.Enter(job.Job.PartitionKey ?? "");
        try
        {
            await Task.Delay(job.Args.Ms, cancellationToken);
        }
        finally
        {
            probe.Exit(job.Job.PartitionKey ?? "");
        }
    }
}

/// <summary>Fails the way it is told: plainly, permanently, by snoozing, or with a retry-after.</summary>
public sealed record FailArgs(string Mode, int SucceedOnAttempt = int.MaxValue, int DelayMs = 0) : IJobArgs
{
    public static string Kind => "test.fail";
}

public sealed class FailHandler(Probe probe) : IJobHandler<FailArgs>
{
    public Task ExecuteAsync(JobContext<FailArgs> job, CancellationToken cancellationToken)
    {
        probe.Executions.Enqueue(new Probe.Execution(job.Id, job.Attempt, job.Args.Mode, DateTimeOffset.UtcNow));
        if (probe.Count(job.Id) >= job.Args.SucceedOnAttempt)
        {
            return Task.CompletedTask;
        }
        throw job.Args.Mode switch
        {
            "permanent" => new PermanentJobFailureException("card declined"),
            "snooze" => new SnoozeJobException(TimeSpan.FromMilliseconds(job.Args.DelayMs)),
            "snooze-forever" => new SnoozeJobException(TimeSpan.MaxValue),
            "retry-after-forever" => new RetryJobException("come back never", TimeSpan.MaxValue),
            "retry-after" => new RetryJobException("slow down", TimeSpan.FromMilliseconds(job.Args.DelayMs)),
            _ => new InvalidOperationException($"failure on attempt {job.Attempt}"),
        };
    }
}

public static class TestJobsBuilderExtensions
{
    /// <summary>Registers every test kind, with the given policies.</summary>
    public static JobsBuilder AddTestHandlers(this JobsBuilder jobs, Action<JobKindOptions>? fail = null, Action<JobKindOptions>? hold = null,
        Action<JobKindOptions>? limited = null) =>
        jobs.AddHandler<RecordHandler, RecordArgs>()
            .AddHandler<HoldHandler, HoldArgs>(hold)
            .AddHandler<LimitedHandler, LimitedArgs>(limited)
            .AddHandler<FailHandler, FailArgs>(fail);
}
