using Jobs.Engine.Handlers;

namespace Jobs.Worker.Diagnostics;

/// <summary>Does nothing: for smoke tests and throughput benchmarks.</summary>
public sealed record NoopArgs : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "diag.noop";
}

/// <summary>Sleeps <paramref name="Ms"/> milliseconds, honouring cancellation: for timeouts, drains and load tests.</summary>
public sealed record SleepArgs(int Ms) : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "diag.sleep";
}

/// <summary>Fails with <paramref name="Message"/>; permanently (straight to dead) when <paramref name="Permanent"/>.</summary>
public sealed record FailArgs(string Message, bool Permanent = false) : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "diag.fail";
}

internal sealed class NoopHandler : IJobHandler<NoopArgs>
{
    public Task ExecuteAsync(JobContext<NoopArgs> job, CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class SleepHandler(TimeProvider timeProvider) : IJobHandler<SleepArgs>
{
    public Task ExecuteAsync(JobContext<SleepArgs> job, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(job.Args.Ms), timeProvider, cancellationToken);
}

internal sealed class FailHandler : IJobHandler<FailArgs>
{
    public Task ExecuteAsync(JobContext<FailArgs> job, CancellationToken cancellationToken) =>
        throw (job.Args.Permanent
            ? new PermanentJobFailureException(job.Args.Message)
            : new InvalidOperationException(job.Args.Message));
}
