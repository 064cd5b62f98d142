using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jobs.Hosting.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no checks; a restart will not fix a database outage).
/// <c>/health/ready</c>: every readiness check passes (200) or not (503).
/// <c>/health</c>: the same checks in detail, as JSON.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Maps the three endpoints, anonymous.</summary>
    public static IEndpointRouteBuilder MapJobsHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => WriteAsync(context, new { status = "live" }),
        }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = (context, report) => WriteAsync(context, new
            {
                status = report.Status == HealthStatus.Healthy ? "ready" : "unready",
                reason = string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}")),
            }),
        }).AllowAnonymous();
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => WriteAsync(context, new
            {
                status = report.Status.ToString().ToLowerInvariant(),
                duration_ms = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                checks = report.Entries.ToDictionary(e => e.Key, e => new
                {
                    status = e.Value.Status.ToString().ToLowerInvariant(),
                    description = e.Value.Description,
                    duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    data = e.Value.Data.Count > 0 ? e.Value.Data : null,
                    tags = e.Value.Tags,
                }),
            }),
        }).AllowAnonymous();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

/// <summary>Registration of the readiness checks of a host that runs a job server.</summary>
public static class JobServerHealthChecks
{
    /// <summary>Adds the check that the job server heartbeats, listens and is not stopping.</summary>
    public static IHealthChecksBuilder AddJobServerCheck(this IHealthChecksBuilder builder) =>
        builder.AddCheck<JobServerHealthCheck>("server", tags: [HealthEndpoints.ReadyTag]);
}
