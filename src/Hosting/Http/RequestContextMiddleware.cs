using System.Diagnostics;
using Jobs.Engine.Client;
using Microsoft.AspNetCore.Http;
using Serilog.Context;
using Serilog.Events;

namespace Jobs.Hosting.Http;

/// <summary>
/// The correlation id of every request: the caller's <c>X-Correlation-ID</c> when it is a sensible
/// token, else the trace id or a new one. It is echoed in the response, set as the log property
/// <c>CorrelationId</c> (on the request's completion event too, which Serilog's request logging
/// writes inside this), and stored on every job the request enqueues. Serilog.AspNetCore has no
/// correlation ids of its own, hence this.
/// </summary>
internal sealed class RequestContextMiddleware(RequestDelegate next)
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
        using (LogContext.PushProperty("CorrelationId", correlationId))
        {
            await next(context);
        }
    }
}

/// <summary>
/// Serilog.AspNetCore's request logging as both hosts use it: one event per request with method,
/// path (without the query string, which may carry search text), status, elapsed time and
/// correlation id; a warning with <c>Slow = true</c> when slower than
/// <see cref="RequestLoggingOptions.SlowThreshold"/>, an error on 5xx, debug for health, metrics
/// and static files.
/// </summary>
internal static class RequestLogging
{
    public const string MessageTemplate = "HTTP {RequestMethod:l} {RequestPath:l} responded {StatusCode} in {Elapsed:0.0} ms (correlation {CorrelationId:l}; Slow={Slow})";

    public static void Configure(Serilog.AspNetCore.RequestLoggingOptions options, Serilog.ILogger logger, RequestLoggingOptions settings)
    {
        var slowMs = settings.SlowThreshold.TotalMilliseconds;
        options.Logger = logger;
        options.MessageTemplate = MessageTemplate;
        options.GetLevel = (context, elapsedMs, error) =>
            error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : elapsedMs > slowMs ? LogEventLevel.Warning
            : IsQuiet(context.Request.Path.Value ?? "/") ? LogEventLevel.Debug
            : LogEventLevel.Information;
        options.GetMessageTemplateProperties = (context, path, elapsedMs, statusCode) =>
        [
            new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
            new LogEventProperty("RequestPath", new ScalarValue(path)),
            new LogEventProperty("StatusCode", new ScalarValue(statusCode)),
            new LogEventProperty("Elapsed", new ScalarValue(elapsedMs)),
            new LogEventProperty("Slow", new ScalarValue(elapsedMs > slowMs)),
        ];
    }

    private static bool IsQuiet(string path) =>
        path.StartsWith("/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith("/css/", StringComparison.Ordinal) || path.StartsWith("/js/", StringComparison.Ordinal);
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
