using Jobs.Engine;
using Jobs.Engine.Server;
using Jobs.Engine.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Jobs.Worker;

/// <summary>The worker host's wiring, in one place.</summary>
public static class WorkerHostExtensions
{
    /// <summary>Logging, the job server, and the handlers this worker runs.</summary>
    public static IHostApplicationBuilder AddWorker(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddSerilog(new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<JobContextEnricher>()
            .CreateLogger(), dispose: true);

        var worker = builder.Configuration.GetSection("Worker").Get<WorkerOptions>() ?? new WorkerOptions();
        var jobs = builder.Services.AddJobsServer().AddBusinessJobs();
        if (worker.DiagnosticJobs)
        {
            jobs.AddDiagnosticJobs();
        }

        // The host must wait for the server's drain and grace periods before it gives up on stopping.
        var server = builder.Configuration.GetSection(JobServerOptions.SectionName).Get<JobServerOptions>() ?? new JobServerOptions();
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = server.DrainTimeout + server.CancellationGrace + TimeSpan.FromSeconds(20));
        return builder;
    }
}
