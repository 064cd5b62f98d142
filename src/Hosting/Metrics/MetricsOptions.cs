using System.ComponentModel.DataAnnotations;

namespace Jobs.Hosting.Metrics;

/// <summary>The <c>/metrics</c> endpoint. Bound from <c>Metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>/metrics</c> in the Prometheus text format. The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The meters always exported: the engine, the business jobs, HTTP requests served, the .NET
    /// runtime and the database connection pool.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultMeters =
        ["Jobs.Engine", "Jobs.App", "Microsoft.AspNetCore.Hosting", "System.Runtime", "Npgsql"];

    /// <summary>More meters to export beside <see cref="DefaultMeters"/>. The default value is none.</summary>
    public string[] AdditionalMeters { get; set; } = [];

    /// <summary>
    /// The most series one instrument keeps; measurements beyond it go to one series labelled
    /// <c>otel_metric_overflow="true"</c>. The default value is 2,000.
    /// </summary>
    [Range(10, 1_000_000)]
    public int SeriesLimit { get; set; } = 2_000;
}
