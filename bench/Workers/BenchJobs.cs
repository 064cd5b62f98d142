using System.Collections.Concurrent;
using System.Diagnostics;
using Jobs.Engine.Handlers;

namespace Jobs.Workers.Bench;

/// <summary>A no-op job carrying its sequence number, for the drain.</summary>
public sealed record DrainJob(int I) : IJobArgs
{
    public static string Kind => "bench.drain";
}

/// <summary>A job of a kind with global and per-partition limits; runs for about <see cref="Ms"/> milliseconds.</summary>
public sealed record LimitedJob(int I, int Ms) : IJobArgs
{
    public static string Kind => "bench.limited";
}

/// <summary>What the handlers of one worker process saw: every drain job it ran, every limited run's start and end.</summary>
public sealed class RunLog
{
    public ConcurrentQueue<int> Drained { get; } = new();

    public ConcurrentQueue<Run> Limited { get; } = new();

    /// <summary>One run of a limited job, on the machine-wide monotonic clock (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public sealed record Run(int I, string Partition, long Start, long End);
}

public sealed class DrainHandler(RunLog log) : IJobHandler<DrainJob>
{
    public Task ExecuteAsync(JobContext<DrainJob> job, CancellationToken cancellationToken)
    {
        log.Drained.Enqueue(job.Args.I);
        return Task.CompletedTask;
    }
}

public sealed class LimitedHandler(RunLog log) : IJobHandler<LimitedJob>
{
    public async Task ExecuteAsync(JobContext<LimitedJob> job, CancellationToken cancellationToken)
    {
        // Start and end are taken inside the handler: the engine counts a job as running from its claim
        // to its completion write, a span that holds this one, so overlaps seen here never exceed its own.
        var start = Stopwatch.GetTimestamp();
        await Task.Delay(job.Args.Ms, cancellationToken);
        log.Limited.Enqueue(new RunLog.Run(job.Args.I, job.Job.PartitionKey ?? "", start, Stopwatch.GetTimestamp()));
    }
}
