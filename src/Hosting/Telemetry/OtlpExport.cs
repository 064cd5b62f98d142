using System.Diagnostics.Metrics;
using Jobs.Hosting.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Jobs.Hosting.Telemetry;

/// <summary>
/// Exports the meters of <c>/metrics</c> over OTLP while the host runs, when an endpoint is
/// configured, flushed when the host stops. A meter provider of its own rather than the one of
/// <c>/metrics</c>: that one renames a few gauges for Prometheus, which OTLP receivers should not see.
/// Traces go through the host's tracer provider (<see cref="JobsTracingSetup"/>).
/// </summary>
internal sealed partial class OtlpExport(
    IOptions<TelemetryOptions> options, IOptions<MetricsOptions> metrics, IMeterFactory meterFactory, IHostEnvironment environment,
    ILogger<OtlpExport> logger) : IHostedService, IDisposable
{
    private MeterProvider? _meter;

    /// <summary>The endpoint in effect: configuration first, then the standard environment variable.</summary>
    public static string? Endpoint(TelemetryOptions options) =>
        !string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? options.OtlpEndpoint
        : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    /// <summary>The service name on everything exported.</summary>
    public static string ServiceName(TelemetryOptions options, IHostEnvironment environment) =>
        string.IsNullOrWhiteSpace(options.ServiceName) ? environment.ApplicationName : options.ServiceName;

    /// <summary>Points an OTLP exporter at the endpoint: with HTTP, each signal has its own path under the base address.</summary>
    public static void Configure(OtlpExporterOptions exporter, TelemetryOptions options, string signal)
    {
        var endpoint = Endpoint(options)!;
        var protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(new Uri(endpoint.TrimEnd('/') + "/"), $"v1/{signal}") : new Uri(endpoint);
        exporter.Protocol = protocol;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (Endpoint(settings) is not { } endpoint)
        {
            return Task.CompletedTask;
        }
        if (settings.Metrics)
        {
            _meter = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(ServiceName(settings, environment)))
                .AddJobsMeters(metrics.Value, meterFactory, forPrometheus: false)
                .AddOtlpExporter(o => Configure(o, settings, "metrics"))
                .Build();
        }
        LogExporting(logger, endpoint, settings.OtlpProtocol, settings.Traces, settings.Metrics);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _meter?.ForceFlush(5_000);
        return Task.CompletedTask;
    }

    public void Dispose() => _meter?.Dispose();

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Exporting telemetry over OTLP to {Endpoint} ({Protocol}; traces {Traces}, metrics {Metrics})")]
    private static partial void LogExporting(ILogger logger, string endpoint, string protocol, bool traces, bool metrics);
}
