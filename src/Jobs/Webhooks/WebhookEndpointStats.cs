namespace Jobs.Webhooks;

/// <summary>How an endpoint fared over a time window: the dashboard's success rate and last error.</summary>
/// <param name="Attempts">Attempts made (including ones refused before calling: open breaker, disabled, blocked).</param>
/// <param name="Delivered">Attempts answered with a 2xx.</param>
/// <param name="LastError">The latest failed attempt's error, if any.</param>
/// <param name="LastErrorAt">When it happened.</param>
public sealed record WebhookEndpointStats(long Attempts, long Delivered, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>Delivered attempts over all attempts; null without attempts.</summary>
    public double? SuccessRate => Attempts == 0 ? null : (double)Delivered / Attempts;
}
