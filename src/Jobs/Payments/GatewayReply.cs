using System.Net;
using System.Text.Json;

namespace Jobs.Payments;

/// <summary>
/// A gateway answer as the capture job needs it: the status, the PaymentIntent or the error
/// object (Stripe's shapes), and the headers that steer retries.
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Intent">The PaymentIntent of a 2xx, when the body is one.</param>
/// <param name="Error">The <c>error</c> object of a 4xx or 5xx, when the body has one.</param>
/// <param name="ShouldRetry"><c>Stripe-Should-Retry</c>: true, false, or null when absent.</param>
/// <param name="RetryAfter"><c>Retry-After</c>, when sent.</param>
/// <param name="Replayed"><c>Idempotent-Replayed: true</c>: the gateway answered from its idempotency store.</param>
internal sealed record GatewayReply(
    HttpStatusCode Status,
    GatewayPaymentIntent? Intent,
    GatewayError? Error,
    bool? ShouldRetry,
    TimeSpan? RetryAfter,
    bool Replayed)
{
    public int Code => (int)Status;

    /// <summary>Short text for ledger rows and messages: <c>402 card_error/card_declined (insufficient_funds): ...</c>.</summary>
    public string Describe() => Error is { } e
        ? $"{Code} {e.Type}/{e.Code ?? "-"}{(e.DeclineCode is null ? "" : $" ({e.DeclineCode})")}: {e.Message}"
        : $"{Code} {Status}";

    /// <summary>Reads an answer; a body that is not Stripe JSON (a proxy's HTML page) leaves Intent and Error null.</summary>
    public static GatewayReply Parse(HttpStatusCode status, string body, bool? shouldRetry, TimeSpan? retryAfter, bool replayed)
    {
        GatewayPaymentIntent? intent = null;
        GatewayError? error = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    error = GatewayError.From(e);
                }
                else if (String(root, "object") == "payment_intent")
                {
                    intent = GatewayPaymentIntent.From(root);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the status alone decides.
        }
        return new GatewayReply(status, intent, error, shouldRetry, retryAfter, replayed);
    }

    internal static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static long Int64(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
