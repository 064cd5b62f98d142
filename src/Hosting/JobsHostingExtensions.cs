using Jobs.Engine;
using Jobs.Hosting.Configuration;
using Jobs.Hosting.Health;
using Jobs.Hosting.Http;
using Jobs.Hosting.Logging;
using Jobs.Hosting.Metrics;
using Jobs.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;

namespace Jobs.Hosting;

/// <summary>What both hosts (worker and dashboard) share: logs, request context, health, metrics, traces, settings checks.</summary>
public static class JobsHostingExtensions
{
    /// <summary>
    /// Secrets from files, Serilog, request logging options, health checks (database and
    /// migrations), the Prometheus exporter, tracing (exported over OTLP when configured), and the
    /// start-up check that no secret comes from a settings file.
    /// </summary>
    public static IHostApplicationBuilder AddJobsHosting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddSecretFiles();
        builder.AddJobsLogging();
        var services = builder.Services;
        services.AddSettings<RequestLoggingOptions>(RequestLoggingOptions.SectionName);
        services.AddSettings<MetricsOptions>(MetricsOptions.SectionName);
        services.AddSettings<TelemetryOptions>(TelemetryOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.AddOptions<SecretSettingsCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretSettingsCheck>, SecretSettingsValidator>());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        services.AddJobsMetricsExport();
        builder.AddJobsTracing();
        services.AddHostedService<OtlpExport>();
        return builder;
    }

    /// <summary>The correlation id and the log event of every request (Serilog's request logging). Put it first in the pipeline.</summary>
    public static IApplicationBuilder UseJobsRequestContext(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        app.UseMiddleware<RequestContextMiddleware>();
        return app.UseSerilogRequestLogging(o => RequestLogging.Configure(o, services.GetRequiredService<Serilog.ILogger>(),
            services.GetRequiredService<IOptions<RequestLoggingOptions>>().Value));
    }

    /// <summary>
    /// <c>/health/live</c>, <c>/health/ready</c> and <c>/health</c> (anonymous), and <c>/metrics</c>
    /// when enabled, with <paramref name="guardMetrics"/> run before each scrape (to refuse it). The
    /// metrics endpoint is returned so a host can require authorization on it.
    /// </summary>
    public static IEndpointConventionBuilder? MapJobsHostEndpoints(this IEndpointRouteBuilder endpoints, Action<IApplicationBuilder>? guardMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapJobsHealth();
        return endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled
            ? endpoints.MapJobsMetrics(guardMetrics)
            : null;
    }

    /// <summary>Marker for the start-up check of <see cref="SecretSettings"/>.</summary>
    internal sealed class SecretSettingsCheck;

    private sealed class SecretSettingsValidator(IConfiguration configuration) : IValidateOptions<SecretSettingsCheck>
    {
        public ValidateOptionsResult Validate(string? name, SecretSettingsCheck options) =>
            SecretSettings.Check(configuration) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    private sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
    {
        public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
        {
            var failures = new List<string>();
            if (!TelemetryOptions.Protocols.Contains(options.OtlpProtocol))
            {
                failures.Add($"Telemetry:OtlpProtocol must be one of {string.Join(", ", TelemetryOptions.Protocols)} (got '{options.OtlpProtocol}').");
            }
            if (OtlpExport.Endpoint(options) is { } endpoint &&
                !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                failures.Add($"Telemetry:OtlpEndpoint must be an absolute http or https URL (got '{endpoint}').");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
