using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Settings.Configuration;

namespace Jobs.Hosting.Logging;

/// <summary>Serilog for both hosts (Serilog.Extensions.Hosting), configured from the <c>Serilog</c> section.</summary>
public static class HostLogging
{
    /// <summary>
    /// Makes Serilog the host's logger factory, read from configuration (levels, sinks, formatter:
    /// <see cref="JsonLinesFormatter"/> in production, <see cref="ReadableFormatter"/> in development),
    /// with the log context (request correlation ids, job scopes) and secret redaction. Without a
    /// <c>Serilog:WriteTo</c> section it writes readable lines to the console.
    /// </summary>
    public static IHostApplicationBuilder AddJobsLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Serilog writes every line; Microsoft's console provider would write each a second time.
        builder.Logging.ClearProviders();
        var configuration = builder.Configuration;
        // The host's own logger rather than Serilog's static one: tests run several hosts in one
        // process. Providers added after this (tests capture logs through one) receive every event
        // as it leaves Serilog, redacted.
        builder.Services.AddSerilog((_, logger) => Configure(logger, configuration), preserveStaticLogger: true, writeToProviders: true);
        return builder;
    }

    private static void Configure(LoggerConfiguration logger, IConfiguration configuration)
    {
        var reader = new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(HostLogging).Assembly);
        logger.ReadFrom.Configuration(configuration, reader)
            .Enrich.FromLogContext()
            .Enrich.With<RedactingEnricher>();
        if (!configuration.GetSection("Serilog:WriteTo").Exists())
        {
            logger.WriteTo.Console(new ReadableFormatter());
        }
    }
}
