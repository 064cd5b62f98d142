using System.Diagnostics;
using Jobs.Engine.Handlers;

namespace Jobs.Bench;

/// <summary>A no-op job carrying its sequence number.</summary>
public sealed record BenchNoop(int I) : IJobArgs
{
    public static string Kind => "diag.noop";
}

/// <summary>Where the handler reports: when each job started, and when the first one did.</summary>
public sealed class BenchProbe
{
    private long _first;
    private int _handled;

    public long[]? StartedAt { get; set; }
    public long FirstStart => Interlocked.Read(ref _first);
    public int Handled => Volatile.Read(ref _handled);

    public void Started(int i)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _first, now, 0);
        if (StartedAt is { } started && (uint)i < (uint)started.Length)
        {
            started[i] = now;
        }
        Interlocked.Increment(ref _handled);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _first, 0);
        Interlocked.Exchange(ref _handled, 0);
    }
}

public sealed class BenchNoopHandler(BenchProbe probe) : IJobHandler<BenchNoop>
{
    public Task ExecuteAsync(JobContext<BenchNoop> job, CancellationToken cancellationToken)
    {
        probe.Started(job.Args.I);
        return Task.CompletedTask;
    }
}
