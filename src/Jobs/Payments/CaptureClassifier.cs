using System.Net;

namespace Jobs.Payments;

/// <summary>
/// Turns gateway answers into decisions. The HTTP status decides first: Stripe answers a rate limit
/// with a 429 whose error type is <c>invalid_request_error</c>, which must be retried, not failed.
/// </summary>
internal static class CaptureClassifier
{
    /// <summary>The answer to <c>POST .../capture</c>.</summary>
    public static CaptureDecision OfCapture(GatewayReply reply) => reply.Code switch
    {
        >= 200 and < 300 when reply.Intent is { } intent => OfIntent(intent),
        >= 200 and < 300 => new CaptureDecision.ReadBack($"{reply.Code} without a PaymentIntent in the body"),
        429 => new CaptureDecision.Retry($"rate limited: {reply.Describe()}", reply.RetryAfter ?? TimeSpan.Zero),
        // Another request with our idempotency key is still running (a rescued attempt racing
        // the one it replaced): once it finishes the gateway replays its result.
        409 => new CaptureDecision.Retry($"conflict: {reply.Describe()}", TimeSpan.Zero),
        401 or 403 => new CaptureDecision.Refused($"the gateway refused our credentials: {reply.Describe()}"),
        402 => new CaptureDecision.Failed(reply.Error?.DeclineCode ?? reply.Error?.Code ?? "card_declined", reply.Describe()),
        >= 400 and < 500 when reply.Error is { Type: "idempotency_error" } =>
            new CaptureDecision.Failed("idempotency_error",
                $"{reply.Describe()} (the gateway holds another request under this payment's idempotency key; reconcile the intent at the gateway)"),
        // The intent is no longer capturable: captured already (by a request whose answer was
        // lost past the gateway's idempotency window, or by someone else), or canceled. Its
        // state says which.
        >= 400 and < 500 when reply.Error is { Code: "payment_intent_unexpected_state" } => new CaptureDecision.ReadBack(reply.Describe()),
        >= 400 and < 500 => new CaptureDecision.Failed(reply.Error?.Code ?? reply.Error?.Type ?? $"http_{reply.Code}", reply.Describe()),
        >= 500 when reply.ShouldRetry == true => new CaptureDecision.Retry($"gateway error, may be retried: {reply.Describe()}", TimeSpan.Zero),
        // Without Stripe-Should-Retry: true the capture may have happened; the intent tells.
        >= 500 => new CaptureDecision.ReadBack(reply.Describe()),
        _ => new CaptureDecision.ReadBack($"unexpected {reply.Describe()}"),
    };

    /// <summary>The answer to <c>GET /v1/payment_intents/{id}</c> after an unclear capture answer.</summary>
    public static CaptureDecision OfReadBack(GatewayReply reply, string why) => reply switch
    {
        { Status: HttpStatusCode.OK, Intent: { } intent } => OfIntent(intent),
        { Code: 401 or 403 } => new CaptureDecision.Refused($"the gateway refused our credentials: {reply.Describe()}"),
        { Code: 404 } => new CaptureDecision.Failed(reply.Error?.Code ?? "resource_missing", reply.Describe()),
        _ => new CaptureDecision.Retry($"{why}; reading the intent back failed too: {reply.Describe()}",
            reply.Code == 429 ? reply.RetryAfter ?? TimeSpan.Zero : TimeSpan.Zero),
    };

    /// <summary>What the intent's own state says.</summary>
    public static CaptureDecision OfIntent(GatewayPaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new CaptureDecision.Captured(intent),
        // Still capturable: the capture did not happen, so trying again is safe and needed.
        "requires_capture" => new CaptureDecision.Retry($"intent {intent.Id} still requires capture", TimeSpan.Zero),
        "processing" => new CaptureDecision.Retry($"intent {intent.Id} is processing", TimeSpan.Zero),
        "canceled" => new CaptureDecision.Failed("payment_intent_canceled",
            $"intent {intent.Id} is canceled ({intent.CancellationReason ?? "no reason given"})"),
        _ => new CaptureDecision.Failed("payment_intent_unexpected_state",
            $"intent {intent.Id} is {intent.Status}, not authorized for capture"),
    };
}
