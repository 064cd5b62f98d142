using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jobs.Dashboard.Security;

/// <summary>The dashboard's request-level protections, wired in one call.</summary>
public static class DashboardSecurity
{
    /// <summary>Forwarded headers and cookie transport (<see cref="DashboardTransport"/>), sign-in throttling and device cookies.</summary>
    public static IServiceCollection AddDashboardSecurity(this IServiceCollection services)
    {
        services.AddDashboardTransport();
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<SignInDevices>();
        services.TryAddSingleton<Ui.OneTimeActions>();
        return services;
    }
}
