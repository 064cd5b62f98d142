using System.Diagnostics;
using Jobs.Engine.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Hosting.Http;

/// <summary>
/// The context of every request: its correlation id (the caller's <c>X-Correlation-ID</c> when it
/// is a sensible token, else the trace id or a new one), which is echoed in the response, set as a
/// log property, and stored on every job the request enqueues; then one log line per request with
/// method, path, status, duration and correlation id, a warning when it was slow, an error on 5xx.
/// Health and metrics requests log at debug level.
/// </summary>
internal sealed partial class RequestContextMiddleware(
    RequestDelegate next, IOptions<RequestLoggingOptions> options, ILogger<RequestContextMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationIds.Accept(context.Request.Headers[CorrelationIds.HeaderName].ToString())
            ?? Activity.Current?.TraceId.ToHexString()
            ?? Guid.NewGuid().ToString("N");
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationIds.HeaderName] = correlationId;
            return Task.CompletedTask;
        });
        JobCorrelation.CurrentId = correlationId;
        var started = Stopwatch.GetTimestamp();
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["CorrelationId"] = correlationId });
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var slow = elapsed > options.Value.SlowThreshold;
            var path = context.Request.Path.Value ?? "/";
            var level = status >= 500 ? LogLevel.Error
                : slow ? LogLevel.Warning
                : IsQuiet(path) ? LogLevel.Debug
                : LogLevel.Information;
            LogRequest(logger, level, context.Request.Method, path, status, elapsed.TotalMilliseconds, correlationId, slow);
        }
    }

    private static bool IsQuiet(string path) =>
        path.StartsWith("/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith("/css/", StringComparison.Ordinal) || path.StartsWith("/js/", StringComparison.Ordinal);

    // The path only: query strings may carry search text and are not logged.
    [LoggerMessage(EventId = 5001, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms (correlation {CorrelationId}; Slow={Slow})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string path, int statusCode, double elapsedMs,
        string correlationId, bool slow);
}

/// <summary>Request logging. Bound from <c>RequestLogging</c>.</summary>
public sealed class RequestLoggingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RequestLogging";

    /// <summary>Requests slower than this log as warnings with <c>Slow = true</c>. The default value is 1 second.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>What is accepted as a caller's correlation id.</summary>
public static class CorrelationIds
{
    /// <summary>The header, read on requests and sent on responses and on the jobs' outgoing calls.</summary>
    public const string HeaderName = "X-Correlation-ID";

    /// <summary>The most characters accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>The rule, for error messages.</summary>
    public const string Rule = "1 to 200 printable ASCII characters, without spaces";

    /// <summary>
    /// The id when it is 1 to 200 printable ASCII characters without spaces; otherwise null: ids
    /// end up in logs, job rows and outgoing headers, so nothing else gets in. Pages given a bad id
    /// get a new one; the HTTP API refuses it (400).
    /// </summary>
    public static string? Accept(string? value) =>
        string.IsNullOrEmpty(value) || value.Length > MaxLength || !value.All(c => c is >= '!' and <= '~') ? null : value;
}
