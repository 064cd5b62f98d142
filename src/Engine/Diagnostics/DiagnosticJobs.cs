using Jobs.Engine.Handlers;

namespace Jobs.Engine.Diagnostics;

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

/// <summary>Runs <c>diag.noop</c>.</summary>
public sealed class NoopHandler : IJobHandler<NoopArgs>
{
    /// <inheritdoc />
    public Task ExecuteAsync(JobContext<NoopArgs> job, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Runs <c>diag.sleep</c>.</summary>
public sealed class SleepHandler(TimeProvider timeProvider) : IJobHandler<SleepArgs>
{
    /// <inheritdoc />
    public Task ExecuteAsync(JobContext<SleepArgs> job, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(job.Args.Ms), timeProvider, cancellationToken);
}

/// <summary>Runs <c>diag.fail</c>.</summary>
public sealed class FailHandler : IJobHandler<FailArgs>
{
    /// <inheritdoc />
    public Task ExecuteAsync(JobContext<FailArgs> job, CancellationToken cancellationToken) =>
        throw (job.Args.Permanent
            ? new PermanentJobFailureException(job.Args.Message)
            : new InvalidOperationException(job.Args.Message));
}

/// <summary>Registers the diagnostic kinds.</summary>
public static class DiagnosticJobsBuilderExtensions
{
    /// <summary>Adds diag.noop, diag.sleep and diag.fail: for smoke tests, benchmarks and demos.</summary>
    public static JobsBuilder AddDiagnosticJobs(this JobsBuilder jobs) =>
        jobs.AddHandler<NoopHandler, NoopArgs>()
            .AddHandler<SleepHandler, SleepArgs>()
            .AddHandler<FailHandler, FailArgs>();
}
