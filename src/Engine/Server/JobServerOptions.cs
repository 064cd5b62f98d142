using System.ComponentModel.DataAnnotations;
using Jobs.Engine.Handlers;

namespace Jobs.Engine.Server;

/// <summary>How a worker server runs jobs. Bound from <c>Jobs:Server</c>.</summary>
public sealed class JobServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Jobs:Server";

    /// <summary>
    /// The queues this server takes jobs from, with the number of workers (jobs running at once in
    /// this process) for each. The default value is <c>{ "default": 10 }</c>.
    /// </summary>
    public Dictionary<string, int> Queues { get; set; } = [];

    /// <summary>
    /// The most jobs claimed ahead of free workers per queue. The engine prefetches only as much as
    /// its workers finish in about 100 ms, so long jobs are never hoarded; this caps it for short
    /// ones. The default value is 1,000.
    /// </summary>
    [Range(0, 10_000)]
    public int PrefetchLimit { get; set; } = 1_000;

    /// <summary>The most jobs one claim statement takes. The default value is 1,000.</summary>
    [Range(1, 10_000)]
    public int ClaimBatchSize { get; set; } = 1_000;

    /// <summary>
    /// How often an idle queue looks for work when no notification arrived: a fallback, since
    /// enqueues wake servers through LISTEN/NOTIFY. The default value is 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the server reports that it is alive. The default value is 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a server may miss heartbeats before its jobs are rescued (returned for another
    /// attempt) by another server. Must be at least twice <see cref="HeartbeatInterval"/>.
    /// The default value is 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At shutdown, how long running jobs may take to finish before their cancellation tokens fire;
    /// jobs stopped that way are handed back without spending an attempt. The default value is 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a handler has to return after its cancellation token fired (timeout, cancel,
    /// shutdown) before the engine records the attempt as failed or handed back without it.
    /// The default value is 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CancellationGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The timeout of an attempt when neither the job nor its kind sets one. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Attempts that run longer than this are flagged: a warning with <c>Slow = true</c> and the
    /// <c>jobs.slow</c> counter. A kind's <c>SlowThreshold</c> wins. The default value is 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan SlowJobThreshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The retry backoff of kinds that set none.</summary>
    [Required]
    public RetryOptions Retry { get; set; } = new();

    /// <summary>The most completions written by one statement. The default value is 2,000.</summary>
    [Range(1, 100_000)]
    public int CompletionBatchSize { get; set; } = 2_000;

    /// <summary>How long finished jobs are kept.</summary>
    [Required]
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>
    /// Run the maintenance services (promoter, rescuer, retention, recurring scheduler) in this
    /// process. Any number of servers may run them: each pass takes an advisory lock, and recurring
    /// jobs are unique per fire time. The default value is true.
    /// </summary>
    public bool RunMaintenance { get; set; } = true;

    /// <summary>The queues with their worker counts, with the default applied when none are configured.</summary>
    internal IReadOnlyDictionary<string, int> EffectiveQueues =>
        Queues.Count > 0 ? Queues : new Dictionary<string, int> { ["default"] = 10 };
}
