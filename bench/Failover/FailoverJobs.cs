using System.Collections.Concurrent;
using Jobs.Engine.Handlers;

namespace Jobs.Failover.Bench;

/// <summary>A short job carrying the producer's sequence number.</summary>
public sealed record FailoverJob(int Seq) : IJobArgs
{
    public static string Kind => "bench.failover";
}

/// <summary>How often each job's handler ran, and when (Environment.TickCount64) it first started.</summary>
public sealed class RunCounts
{
    public ConcurrentDictionary<int, int> Runs { get; } = new();

    public ConcurrentDictionary<int, long> FirstStart { get; } = new();

    public void Started(int seq)
    {
        FirstStart.TryAdd(seq, Environment.TickCount64);
        Runs.AddOrUpdate(seq, 1, (_, n) => n + 1);
    }
}

public sealed class FailoverHandler(RunCounts counts) : IJobHandler<FailoverJob>
{
    public async Task ExecuteAsync(JobContext<FailoverJob> job, CancellationToken cancellationToken)
    {
        counts.Started(job.Args.Seq);
        await Task.Delay(5, cancellationToken);
    }
}
