using Jobs.Engine;
using Jobs.Hosting.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Jobs.Hosting.Telemetry;

/// <summary>
/// Exports traces and metrics over OTLP while the host runs, when an endpoint is configured:
/// the engine's spans (enqueue, run), ASP.NET Core's incoming requests and HttpClient's outgoing
/// calls, and the meters of <c>/metrics</c>. Flushed when the host stops.
/// </summary>
internal sealed partial class OtlpExport(
    IOptions<TelemetryOptions> options, IOptions<MetricsOptions> metrics, IHostEnvironment environment, ILogger<OtlpExport> logger)
    : IHostedService, IDisposable
{
    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    /// <summary>The endpoint in effect: configuration first, then the standard environment variable.</summary>
    public static string? Endpoint(TelemetryOptions options) =>
        !string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? options.OtlpEndpoint
        : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (Endpoint(settings) is not { } endpoint)
        {
            return Task.CompletedTask;
        }
        var resource = ResourceBuilder.CreateDefault().AddService(settings.ServiceName ?? environment.ApplicationName);
        var protocol = settings.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        void Configure(OtlpExporterOptions o, string signal)
        {
            // With HTTP, each signal has its own path under the base address.
            o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(new Uri(endpoint.TrimEnd('/') + "/"), $"v1/{signal}") : new Uri(endpoint);
            o.Protocol = protocol;
        }
        if (settings.Traces)
        {
            _tracer = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource(JobsTracing.SourceName, "Microsoft.AspNetCore", "System.Net.Http")
                .AddOtlpExporter(o => Configure(o, "traces"))
                .Build();
        }
        if (settings.Metrics)
        {
            _meter = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter([.. MetricsOptions.DefaultMeters, .. metrics.Value.AdditionalMeters])
                .AddOtlpExporter(o => Configure(o, "metrics"))
                .Build();
        }
        LogExporting(logger, endpoint, settings.OtlpProtocol, settings.Traces, settings.Metrics);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracer?.ForceFlush(5_000);
        _meter?.ForceFlush(5_000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Exporting telemetry over OTLP to {Endpoint} ({Protocol}; traces {Traces}, metrics {Metrics})")]
    private static partial void LogExporting(ILogger logger, string endpoint, string protocol, bool traces, bool metrics);
}
