using Jobs.Backups;
using Jobs.CacheWarming;
using Jobs.Engine;
using Jobs.Http;
using Jobs.Inventory;
using Jobs.Payments;
using Jobs.Storage;
using Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jobs;

/// <summary>Registers the business jobs with a worker: their tables, HTTP clients and handlers.</summary>
public static class JobsCatalog
{
    /// <summary>Adds every business job. Options bind from <c>App</c> and each job's own section.</summary>
    public static JobsBuilder AddBusinessJobs(this JobsBuilder jobs)
    {
        var services = jobs.Services;
        services.AddSettings<AppOptions>(AppOptions.SectionName);
        services.TryAddSingleton<AppDatabase>();
        services.TryAddSingleton<AppMetrics>();
        services.TryAddTransient<CorrelationHeaderHandler>();
        services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler<CorrelationHeaderHandler>());
        services.TryAddSingleton<AppSchemaStartup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobsStartupTask, AppSchemaStartup>(sp => sp.GetRequiredService<AppSchemaStartup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobsSchemaCheck, AppSchemaStartup>(sp => sp.GetRequiredService<AppSchemaStartup>()));
        return jobs
            .AddPayments()
            .AddInventory()
            .AddWebhooks()
            .AddCacheWarming()
            .AddBackups();
    }
}
