using System.ComponentModel.DataAnnotations;

namespace Jobs.Engine.Server;

/// <summary>How long finished jobs are kept. Bound from <c>Jobs:Server:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>Age after which succeeded jobs are deleted. The default value is 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Succeeded { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Age after which cancelled jobs are deleted. The default value is 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Cancelled { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Age after which dead jobs are deleted. The default value is 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Dead { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Age after which per-minute throughput statistics are deleted. The default value is 14 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Statistics { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Jobs deleted per statement, so pruning never holds long locks. The default value is 10,000.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 10_000;

    /// <summary>Time between pruning passes. The default value is 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}
