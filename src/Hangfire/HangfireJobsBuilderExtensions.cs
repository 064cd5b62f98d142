using Hangfire.Common;
using Jobs.Engine;
using Jobs.Engine.Handlers;
using Jobs.Hangfire.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Jobs.Hangfire;

/// <summary><c>AddJobsServer().AddHangfireJobs()</c>: the engine's server runs Hangfire method-call jobs.</summary>
public static class HangfireJobsBuilderExtensions
{
    /// <summary>The attempt timeout of Hangfire jobs unless configured: Hangfire itself has none. The default value is 1 day.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromDays(1);

    /// <summary>
    /// Registers the kinds <c>hangfire.job</c> and <c>hangfire.exclusive</c> (methods with
    /// <c>[DisableConcurrentExecution]</c>: one running per method across all servers), run under the
    /// engine's backoff, timeouts, limits, rescue, shutdown and dead state. <paramref name="configure"/>
    /// sets their policy (configuration under <c>Jobs:Kinds:hangfire.job</c> wins); the attempt timeout
    /// is <see cref="DefaultTimeout"/> unless set. The server takes jobs from the queues of
    /// <c>Jobs:Server:Queues</c>: list the queues your <c>[Queue]</c> attributes name there.
    /// Hangfire's own server (<c>AddHangfireServer</c>) must not run beside it: the host refuses to start.
    /// </summary>
    public static JobsBuilder AddHangfireJobs(this JobsBuilder jobs, Action<JobKindOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        jobs.AddHandler<HangfireJobHandler, HangfireJobArgs>(kind => Configure(kind, configure))
            .AddHandler<HangfireJobHandler, ExclusiveHangfireJobArgs>(kind =>
            {
                Configure(kind, configure);
                kind.PartitionLimit = 1;
            });
        jobs.Services.TryAddSingleton(sp => new HangfireServerContext(sp, sp.GetService<IJobFilterProvider>() ?? JobFilterProviders.Providers));
        jobs.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HangfireServerCheck>(
            _ => new HangfireServerCheck(jobs.Services)));
        return jobs;
    }

    private static void Configure(JobKindOptions kind, Action<JobKindOptions>? configure)
    {
        configure?.Invoke(kind);
        kind.Timeout ??= DefaultTimeout;
    }
}
