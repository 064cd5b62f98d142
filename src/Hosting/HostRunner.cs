using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Hosting;

/// <summary>
/// Runs a host the way both executables do: settings that do not bind or validate stop it before
/// it does anything, with one line per problem naming the key (exit code 2) instead of a stack
/// trace; a stop signal during start is a clean stop; SIGTERM drains (see the hosts' shutdown
/// timeout) and exits 0.
/// </summary>
public static partial class HostRunner
{
    /// <summary>The exit code for settings that are not valid.</summary>
    public const int ConfigurationError = 2;

    /// <summary>Builds the host with <paramref name="build"/>, runs it until it stops, and returns the exit code.</summary>
    public static async Task<int> RunAsync(Func<WebApplication> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        WebApplication app;
        try
        {
            app = build();
            // Settings first, before the host starts anything (or logs the failure with a stack trace).
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            return await FailAsync(e);
        }
        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Stopped while starting (migrating, say): nothing ran that needs draining.
                return 0;
            }
            catch (Exception e) when (IsConfigurationError(e))
            {
                return await FailAsync(e);
            }
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogListening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jobs.Hosting"),
                app.Environment.ApplicationName, string.Join(", ", addresses));
            await app.WaitForShutdownAsync();
            return 0;
        }
    }

    private static bool IsConfigurationError(Exception e) =>
        e is OptionsValidationException ||
        e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) ||
        e.InnerException is { } inner && IsConfigurationError(inner);

    private static async Task<int> FailAsync(Exception e)
    {
        var problems = Unwrap(e) switch
        {
            OptionsValidationException validation => validation.Failures,
            var other => [other.InnerException is { } cause ? $"{other.Message} {cause.Message}" : other.Message],
        };
        await Console.Error.WriteLineAsync("The settings are not valid; nothing was started:");
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"  - {problem}");
        }
        return ConfigurationError;
    }

    private static Exception Unwrap(Exception e) =>
        e is OptionsValidationException || e.InnerException is null || e.Message.StartsWith("Failed to convert", StringComparison.Ordinal) ? e : Unwrap(e.InnerException);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "{Application} started; health and metrics on {Addresses}")]
    private static partial void LogListening(ILogger logger, string application, string addresses);
}
