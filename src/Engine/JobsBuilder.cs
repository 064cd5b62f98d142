using System.Text.Json;
using Jobs.Engine.Handlers;
using Jobs.Engine.Recurring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jobs.Engine;

/// <summary>Registers handlers and schedules: returned by <c>AddJobsEngine</c> and <c>AddJobsServer</c>.</summary>
public sealed class JobsBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Registers the handler of a kind, with its policy in code; configuration under
    /// <c>Jobs:Kinds:{kind}</c> overrides it.
    /// </summary>
    public JobsBuilder AddHandler<THandler, TArgs>(Action<JobKindOptions>? configure = null)
        where THandler : class, IJobHandler<TArgs>
        where TArgs : IJobArgs
    {
        var options = new JobKindOptions();
        configure?.Invoke(options);
        Services.TryAddScoped<THandler>();
        Services.AddSingleton(JobKindRegistration.Create<THandler, TArgs>(options));
        return this;
    }

    /// <summary>Declares a recurring schedule in code; configuration under <c>Jobs:Recurring:Schedules:{name}</c> wins.</summary>
    public JobsBuilder AddSchedule<TArgs>(string name, string cron, TArgs args, Action<ScheduleOptions>? configure = null)
        where TArgs : IJobArgs
    {
        var schedule = new ScheduleOptions
        {
            Cron = cron,
            Kind = TArgs.Kind,
            ArgsJson = JsonSerializer.Serialize(args, JobJson.Options),
        };
        configure?.Invoke(schedule);
        Services.Configure<RecurringOptions>(o => o.Schedules.TryAdd(name, schedule));
        return this;
    }
}
