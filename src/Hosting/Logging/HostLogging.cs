using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Settings.Configuration;

namespace Jobs.Hosting.Logging;

/// <summary>Serilog for both hosts, configured from the <c>Serilog</c> section.</summary>
public static class HostLogging
{
    /// <summary>
    /// Replaces the host's log providers with Serilog read from configuration (levels, sinks,
    /// formatter: <see cref="JsonLinesFormatter"/> in production, <see cref="ReadableFormatter"/> in
    /// development), with the scope properties of jobs and requests, the readable job prefix, and
    /// secret redaction. Without a <c>Serilog:WriteTo</c> section it writes readable lines to the console.
    /// </summary>
    public static IHostApplicationBuilder AddJobsLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.ClearProviders();
        // Serilog filters by its own configured levels; Microsoft's filter lets everything through to it.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        var reader = new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(HostLogging).Assembly);
        var configuration = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration, reader)
            .Enrich.FromLogContext()
            .Enrich.With<JobContextEnricher>()
            .Enrich.With<RedactingEnricher>();
        if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
        {
            configuration.WriteTo.Console(new ReadableFormatter());
        }
        builder.Logging.AddSerilog(configuration.CreateLogger(), dispose: true);
        return builder;
    }
}
