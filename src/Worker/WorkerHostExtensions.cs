using Jobs.Engine;
using Jobs.Engine.Diagnostics;
using Jobs.Engine.Server;
using Jobs.Hosting;
using Jobs.Hosting.Health;
using Jobs.Operators;
using Microsoft.Extensions.Options;

namespace Jobs.Worker;

/// <summary>The worker host's wiring, in one place.</summary>
public static class WorkerHostExtensions
{
    /// <summary>Logging, health and metrics, the job server, the handlers this worker runs, and the API keys its /metrics may require.</summary>
    public static WebApplicationBuilder AddWorker(this WebApplicationBuilder builder)
    {
        builder.AddJobsHosting();
        builder.Services.AddSettings<WorkerOptions>(WorkerOptions.SectionName);
        var worker = builder.Configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>() ?? new WorkerOptions();
        var jobs = builder.Services.AddJobsServer().AddBusinessJobs();
        // The API keys that /metrics may require (MetricsKeyCheck), and their schema migrated at start.
        builder.Services.AddJobsOperators();
        if (worker.DiagnosticJobs)
        {
            jobs.AddDiagnosticJobs();
        }
        builder.Services.AddHealthChecks().AddJobServerCheck();
        // The small HTTP endpoint for probes and scrapes; nothing else is served.
        builder.WebHost.UseUrls(worker.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        // The host must wait for the server's drain and grace periods before it gives up on stopping.
        var server = builder.Configuration.GetSection(JobServerOptions.SectionName).Get<JobServerOptions>() ?? new JobServerOptions();
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = server.DrainTimeout + server.CancellationGrace + TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>Health and metrics (behind an API key when <see cref="WorkerOptions.MetricsRequireApiKey"/> is on).</summary>
    public static WebApplication MapWorker(this WebApplication app)
    {
        var worker = app.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        app.UseJobsRequestContext();
        app.MapJobsHostEndpoints(worker.MetricsRequireApiKey ? MetricsKeyCheck.Require : null);
        MetricsKeyCheck.WarnWhenOpen(worker, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jobs.Worker"));
        return app;
    }
}
