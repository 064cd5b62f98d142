namespace Jobs.Hosting.Telemetry;

/// <summary>OpenTelemetry export. Bound from <c>Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// The OTLP collector, e.g. <c>http://otel-collector:4317</c> (gRPC) or
    /// <c>http://otel-collector:4318</c> (HTTP). Empty: nothing is exported. Falls back to the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable. The default value is empty.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>. The default value is <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Export traces (enqueue, execution, HTTP in and out). The default value is true.</summary>
    public bool Traces { get; set; } = true;

    /// <summary>Export the metrics that <c>/metrics</c> serves as well. The default value is true.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>The service name on everything exported. The default value is the host's application name.</summary>
    public string? ServiceName { get; set; }

    /// <summary>The protocols understood.</summary>
    public static readonly IReadOnlyList<string> Protocols = ["grpc", "http/protobuf"];
}
