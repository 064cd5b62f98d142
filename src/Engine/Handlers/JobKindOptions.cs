using System.ComponentModel.DataAnnotations;

namespace Jobs.Engine.Handlers;

/// <summary>
/// The policy of one job kind, set in code when the handler is registered and overridable in
/// configuration under <c>Jobs:Kinds:{kind}</c>. Servers write the queue, priority, attempts and
/// limits to the database at start, so every enqueue path (C#, SQL, HTTP) and every server agrees.
/// </summary>
public sealed class JobKindOptions
{
    /// <summary>The queue jobs of this kind go to unless an enqueue names one. The default value is <c>default</c>.</summary>
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string? Queue { get; set; }

    /// <summary>The priority unless an enqueue gives one; higher runs first. The default value is 0.</summary>
    [Range(short.MinValue, short.MaxValue)]
    public int? Priority { get; set; }

    /// <summary>Attempts before a job is dead, unless an enqueue gives its own. The default value is 25.</summary>
    [Range(1, short.MaxValue)]
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// How long one attempt may run before its cancellation token fires and the attempt fails.
    /// A job's own timeout wins. The default value is the server's <c>DefaultTimeout</c> (1 minute).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Attempts running longer than this are flagged as slow in the logs and metrics. The default
    /// value is the server's <c>SlowJobThreshold</c> (30 seconds).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan? SlowThreshold { get; set; }

    /// <summary>The retry backoff. The default value is the server's default backoff.</summary>
    public RetryOptions? Retry { get; set; }

    /// <summary>
    /// The most jobs of this kind running at once across all servers, enforced when jobs are
    /// claimed. The default value is no limit.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? GlobalLimit { get; set; }

    /// <summary>
    /// The most jobs of this kind with the same partition key (one webhook endpoint, one
    /// merchant) running at once across all servers. Jobs without a partition key are bound by
    /// <see cref="GlobalLimit"/> only. The default value is no limit.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? PartitionLimit { get; set; }

    /// <summary>True when the kind has a global or a partition limit.</summary>
    public bool IsLimited => GlobalLimit is not null || PartitionLimit is not null;
}
