using System.Diagnostics;
using Jobs.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Jobs.Hosting.Telemetry;

/// <summary>
/// What the host's tracer provider records: the engine's spans (enqueue, run), ASP.NET Core's
/// incoming requests (OpenTelemetry.Instrumentation.AspNetCore; health and metrics scrapes left
/// out), HttpClient's outgoing calls (OpenTelemetry.Instrumentation.Http) and Npgsql's statements
/// (Npgsql.OpenTelemetry), so one trace runs from an HTTP enqueue through every attempt of the job
/// to its calls and statements. The provider exists, and costs anything, only when something
/// exports: OTLP when an endpoint is configured, or a test's exporter.
/// </summary>
internal static class JobsTracingSetup
{
    public static void AddJobsTracing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(JobsTracing.SourceName)
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
            .AddHttpClientInstrumentation()
            .AddNpgsql()
            .SetSampler(new ParentBasedSampler(new NoRootClientSpans())));
        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (OtlpExport.Endpoint(settings) is not null && settings.Traces)
        {
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(OtlpExport.ServiceName(settings, builder.Environment)))
                .WithTracing(tracing => tracing.AddOtlpExporter(o => OtlpExport.Configure(o, settings, "traces")));
        }
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Traces start at a request, an enqueue or a job's attempt; an outgoing call (an SQL statement,
    /// an HTTP request) joins the trace it runs in, and one outside any (the server's heartbeats,
    /// claims and maintenance) is not recorded: it would be a trace of its own every few milliseconds.
    /// </summary>
    private sealed class NoRootClientSpans : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
    }
}
