using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Jobs.Hangfire.Server;

/// <summary>
/// Refuses to start a host that registers Hangfire's own server (<c>AddHangfireServer</c>) beside
/// <c>AddHangfireJobs</c>: on the Jobs storage that server cannot run jobs, and the message names the
/// line to remove. (Without <c>AddHangfireJobs</c>, the storage itself refuses the server.)
/// </summary>
internal sealed class HangfireServerCheck(IServiceCollection services) : IHostedService
{
    private const string HangfireServerService = "Hangfire.BackgroundJobServerHostedService";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.Any(IsHangfireServer))
        {
            throw new InvalidOperationException(JobsStorage.ServerNotSupported);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsHangfireServer(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IHostedService)
        && (descriptor.ImplementationType?.FullName == HangfireServerService
            || descriptor.ImplementationInstance?.GetType().FullName == HangfireServerService
            || (descriptor.ImplementationFactory?.GetType() is { IsGenericType: true } factory
                && factory.GetGenericArguments()[^1].FullName == HangfireServerService));
}
