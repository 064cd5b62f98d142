using Jobs.Engine;
using Jobs.Operators.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jobs.Operators;

/// <summary>The operators' DI entry point. Calling it twice is harmless.</summary>
public static class OperatorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine's client side (for its database) and the operator stores: accounts, sessions,
    /// API keys, the audit log and the key ring rows, on the <c>Operators:Schema</c> schema, which is
    /// migrated at start after the engine's. Options bind from <c>Operators</c>.
    /// </summary>
    public static IServiceCollection AddJobsOperators(this IServiceCollection services)
    {
        services.AddJobsEngine();
        services.AddSettings<OperatorsOptions>(OperatorsOptions.SectionName);
        services.TryAddSingleton<OperatorsDatabase>();
        services.TryAddSingleton<OperatorAccounts>();
        services.TryAddSingleton<OperatorSessions>();
        services.TryAddSingleton<ApiKeys>();
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<DataProtectionKeys>();
        services.TryAddSingleton<OperatorsSchemaStartup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobsStartupTask, OperatorsSchemaStartup>(sp => sp.GetRequiredService<OperatorsSchemaStartup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobsSchemaCheck, OperatorsSchemaStartup>(sp => sp.GetRequiredService<OperatorsSchemaStartup>()));
        return services;
    }
}
