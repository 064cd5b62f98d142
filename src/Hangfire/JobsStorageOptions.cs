using Hangfire.Common;

namespace Jobs.Hangfire;

/// <summary>How <see cref="JobsStorage"/> reaches the engine and reads Hangfire's job attributes.</summary>
public sealed class JobsStorageOptions
{
    /// <summary>
    /// The engine's schema: lower-case letters, digits and underscores. The default value is <c>jobs</c>
    /// (the engine's own default, so the worker and the dashboard see the same jobs).
    /// </summary>
    public string Schema { get; set; } = "jobs";

    /// <summary>
    /// Apply the engine's migrations when the storage is created (Hangfire.PostgreSql's
    /// <c>PrepareSchemaIfNecessary</c>); when false, a schema behind this version fails with a message
    /// saying so. The default value is true.
    /// </summary>
    public bool PrepareSchemaIfNecessary { get; set; } = true;

    /// <summary>
    /// Where <c>[Queue]</c>, <c>[AutomaticRetry]</c> and <c>[DisableConcurrentExecution]</c> are read
    /// from when a job is enqueued. The default value is Hangfire's <c>JobFilterProviders.Providers</c>
    /// (attributes on the method and class, and <c>GlobalJobFilters</c>).
    /// </summary>
    public IJobFilterProvider? FilterProvider { get; set; }

    /// <summary>
    /// How long the Hangfire Dashboard's statistics (the counters of its navigation, sidebar and
    /// 2-second poll) are reused before they are counted again, per storage. Every open dashboard
    /// shares them, so any number of them cost one count per period; the pagers of the job lists count
    /// their own state each time. <see cref="TimeSpan.Zero"/> counts at every call. The default value
    /// is 2 seconds (the Dashboard's own polling interval).
    /// </summary>
    public TimeSpan StatisticsCacheDuration { get; set; } = TimeSpan.FromSeconds(2);
}
