using System.Net;
using Jobs.Operators;

namespace Jobs.Worker;

/// <summary>
/// The worker's <c>/metrics</c> with <see cref="WorkerOptions.MetricsRequireApiKey"/>: a scrape must
/// present an API key (src/Operators; any role, not revoked), or is answered 401. The worker has
/// no sign-in of its own; the dashboard's API-key scheme checks the same keys through <see cref="ApiKeys"/>.
/// </summary>
internal static partial class MetricsKeyCheck
{
    /// <summary>Refuses, in <paramref name="branch"/>, a request without a valid key.</summary>
    public static void Require(IApplicationBuilder branch) => branch.Use(async (context, next) =>
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) &&
            await context.RequestServices.GetRequiredService<ApiKeys>().AuthenticateAsync(header["Bearer ".Length..].Trim(), context.RequestAborted) is not null)
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
            detail: "This worker's /metrics needs an API key (Worker:MetricsRequireApiKey): send 'Authorization: Bearer jobs_...' with a key of any role.")
            .ExecuteAsync(context);
    });

    /// <summary>Warns at start when /metrics is open on an address beyond loopback.</summary>
    public static void WarnWhenOpen(WorkerOptions options, ILogger logger)
    {
        var open = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(url => !IsLoopback(url)).ToList();
        if (!options.MetricsRequireApiKey && open.Count > 0)
        {
            LogOpen(logger, string.Join(", ", open));
        }
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
            UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning,
        Message = "/metrics is served without authentication on {Urls}; set Worker:MetricsRequireApiKey=true when more than the scraper can reach it")]
    private static partial void LogOpen(ILogger logger, string urls);
}
