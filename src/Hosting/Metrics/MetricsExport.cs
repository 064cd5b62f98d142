using System.Diagnostics.Metrics;
using Jobs.Engine;
using Jobs.Engine.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Jobs.Hosting.Metrics;

/// <summary>
/// <c>/metrics</c>: OpenTelemetry's Prometheus exporter (OpenTelemetry.Exporter.Prometheus.AspNetCore)
/// over the meters of <see cref="MetricsOptions"/>. Names follow OpenTelemetry's Prometheus
/// conventions (<c>jobs.duration</c> in seconds is <c>jobs_duration_seconds</c>, counters end in
/// <c>_total</c>); series carry the instruments' own labels only (no scope labels, no
/// <c>target_info</c>), and at most <see cref="MetricsOptions.SeriesLimit"/> series per instrument.
/// </summary>
internal static class MetricsExport
{
    /// <summary>The labels Npgsql's meters keep: the pool's name and the connection state, never the server's address or port.</summary>
    private static readonly string[] NpgsqlLabels = ["db.client.connection.pool.name", "db.client.connection.state", "db.system.name"];

    private static readonly string[] ReservedSuffixes = ["_count", "_sum", "_bucket", "_total"];

    /// <summary>Registers the meter provider of <c>/metrics</c>.</summary>
    public static IServiceCollection AddJobsMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter(o =>
        {
            o.ScopeInfoEnabled = false;
            o.TargetInfoEnabled = false;
            // Every scrape reads the instruments afresh (the queue gauges cache their own query).
            o.ScrapeResponseCacheDurationMilliseconds = 0;
        }));
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddJobsMeters(
            provider.GetRequiredService<IOptions<MetricsOptions>>().Value, provider.GetRequiredService<IMeterFactory>(), forPrometheus: true));
        return services;
    }

    /// <summary>
    /// The meters to export, the series limit, and the views that keep the exposition clean. Also
    /// used by the OTLP export, which keeps the instruments' names as they are.
    /// </summary>
    public static MeterProviderBuilder AddJobsMeters(this MeterProviderBuilder metrics, MetricsOptions options, IMeterFactory meterFactory, bool forPrometheus)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        return metrics
            .AddMeter([.. MetricsOptions.DefaultMeters, .. options.AdditionalMeters])
            .AddView(instrument => View(instrument, options.SeriesLimit, meterFactory, forPrometheus));
    }

    /// <summary>
    /// Maps <c>/metrics</c> (uncached by clients); <paramref name="guard"/> runs before the exporter,
    /// to refuse a scrape. Returned so a host can require authorization on it.
    /// </summary>
    public static IEndpointConventionBuilder MapJobsMetrics(this IEndpointRouteBuilder endpoints, Action<IApplicationBuilder>? guard)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // The gauges of the queues read the database; created here so they exist for the first scrape.
        endpoints.ServiceProvider.GetRequiredService<QueueGauges>();
        endpoints.ServiceProvider.GetRequiredService<JobsMetrics>();
        return endpoints.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch =>
        {
            branch.Use((context, next) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return next(context);
            });
            guard?.Invoke(branch);
        }, optionsName: null);
    }

    private static MetricStreamConfiguration View(Instrument instrument, int seriesLimit, IMeterFactory meterFactory, bool forPrometheus)
    {
        // A meter made by another host's meter factory (several hosts in one process: tests) is that host's to export.
        if (instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, meterFactory))
        {
            return MetricStreamConfiguration.Drop;
        }
        return new MetricStreamConfiguration
        {
            Name = forPrometheus && EndsInReservedSuffix(instrument) ? instrument.Name + "_current" : null,
            TagKeys = instrument.Meter.Name == "Npgsql" ? NpgsqlLabels : null,
            CardinalityLimit = seriesLimit,
        };
    }

    /// <summary>
    /// True for a gauge whose Prometheus name would end in a suffix Prometheus keeps for counters and
    /// histograms (<c>db.client.connection.count</c>, <c>dotnet.thread_pool.thread.count</c>), which
    /// <c>promtool check metrics</c> refuses and the exporter writes as it is: such a gauge is exported
    /// with <c>_current</c> added (<c>db_client_connection_count_current</c>).
    /// </summary>
    private static bool EndsInReservedSuffix(Instrument instrument)
    {
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>) || type == typeof(Histogram<>))
        {
            return false;
        }
        // A unit adds its own suffix (_seconds, _bytes); an annotation like {connection} adds none.
        var unitSuffix = !string.IsNullOrEmpty(instrument.Unit) && !instrument.Unit.StartsWith('{');
        var name = instrument.Name.Replace('.', '_');
        return !unitSuffix && ReservedSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));
    }
}
