using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.Storage;
using Jobs.Operators;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Apis;

/// <summary>What the API's handlers use, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record JobsApiServices(
    IJobClient Jobs, JobsMonitor Monitor, AuditLog Audit, JobsDatabase Database, EnqueueRequests Enqueue, IOptions<DashboardOptions> Options,
    ILogger<JobsApiServices> Logger);
