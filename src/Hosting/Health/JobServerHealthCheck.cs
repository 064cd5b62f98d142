using Jobs.Engine.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Jobs.Hosting.Health;

/// <summary>
/// Ready while this process's job server runs: started and not stopping, its heartbeat written
/// within the server timeout (other servers would rescue its jobs after that), and its LISTEN
/// connection up (without it jobs are found by polling only), unless it polls by configuration.
/// </summary>
internal sealed class JobServerHealthCheck(JobServer server, IOptions<JobServerOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["server"] = server.Identity.Id,
            ["busy"] = server.Busy,
            ["listening"] = server.IsListening,
        };
        if (server.LastHeartbeat is not { } beat)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the job server has not started", data: data));
        }
        var age = timeProvider.GetUtcNow() - beat;
        data["heartbeat_age_s"] = Math.Round(age.TotalSeconds, 1);
        if (server.IsStopping)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the job server is stopping", data: data));
        }
        if (age > options.Value.ServerTimeout)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"the last heartbeat was {age.TotalSeconds:0.0} s ago, beyond the server timeout of {options.Value.ServerTimeout.TotalSeconds:0.#} s", data: data));
        }
        if (server.IsPollingOnly)
        {
            // Configured so (a pooler in transaction mode, no direct connection): warned at start, not a fault.
            data["polling_only"] = true;
            return Task.FromResult(HealthCheckResult.Healthy($"server {server.Identity.Id}: heartbeat {age.TotalSeconds:0.0} s ago, polling (no direct connection to listen on)", data));
        }
        if (!server.IsListening)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the LISTEN connection is down; jobs are found by polling only", data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy($"server {server.Identity.Id}: heartbeat {age.TotalSeconds:0.0} s ago, listening", data));
    }
}
