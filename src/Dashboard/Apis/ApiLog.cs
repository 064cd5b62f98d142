namespace Jobs.Dashboard.Apis;

/// <summary>The API's log messages (event ids 3000-3099). The key's name and prefix only, never the key.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(3000, LogLevel.Information, "API key {ApiKey} enqueued job {JobId} of kind {Kind} (created: {Created})")]
    public static partial void Enqueued(ILogger logger, string apiKey, long jobId, string kind, bool created);

    [LoggerMessage(3001, LogLevel.Information, "API key {ApiKey} enqueued a batch of {Jobs} jobs ({Created} new)")]
    public static partial void EnqueuedBatch(ILogger logger, string apiKey, int jobs, int created);

    [LoggerMessage(3002, LogLevel.Information, "API key {ApiKey}: {Action} of job {JobId}")]
    public static partial void Steered(ILogger logger, string apiKey, string action, long jobId);

    [LoggerMessage(3003, LogLevel.Information, "API key {ApiKey} requeued {Jobs} jobs matching {Filter}")]
    public static partial void RequeuedMany(ILogger logger, string apiKey, int jobs, string filter);

    [LoggerMessage(3004, LogLevel.Information, "API key {ApiKey} published webhook message {MessageId} ({EventType}) to {Endpoints} endpoints")]
    public static partial void PublishedWebhook(ILogger logger, string apiKey, string messageId, string eventType, int endpoints);

    [LoggerMessage(3005, LogLevel.Information, "API key {ApiKey} was refused: {Reason}")]
    public static partial void OutOfScope(ILogger logger, string apiKey, string reason);
}
