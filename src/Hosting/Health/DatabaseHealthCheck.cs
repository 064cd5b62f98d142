using Jobs.Engine.Monitoring;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jobs.Hosting.Health;

/// <summary>Ready when the database answers and the schema is at this build's migration.</summary>
internal sealed class DatabaseHealthCheck(JobsMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, reason) = await monitor.CheckReadyAsync(cancellationToken);
        return ready ? HealthCheckResult.Healthy(reason) : HealthCheckResult.Unhealthy(reason);
    }
}
