using Microsoft.Extensions.Hosting;

namespace Jobs.Engine;

/// <summary>Running a host that may be told to stop before it has finished starting.</summary>
public static class HostStartExtensions
{
    /// <summary>
    /// Runs the host until it stops. A stop signal (SIGTERM, Ctrl+C) that arrives while it is still
    /// starting (migrating, say) cancels the start; that is a clean stop, not a crash, so it returns
    /// instead of throwing.
    /// </summary>
    public static async Task RunStoppableAsync(this IHost host)
    {
        var lifetime = (IHostApplicationLifetime?)host.Services.GetService(typeof(IHostApplicationLifetime));
        try
        {
            await host.RunAsync();
        }
        catch (OperationCanceledException) when (lifetime?.ApplicationStopping.IsCancellationRequested == true)
        {
            // Stopped while starting: nothing ran that needs draining.
        }
    }
}
