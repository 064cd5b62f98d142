namespace Jobs.Payments;

/// <summary>What a gateway answer means for the payment.</summary>
internal abstract record CaptureDecision
{
    /// <summary>The intent is captured: record it.</summary>
    public sealed record Captured(GatewayPaymentIntent Intent) : CaptureDecision;

    /// <summary>The capture can never succeed: record the payment failed, the job is dead.</summary>
    public sealed record Failed(string Code, string Reason) : CaptureDecision;

    /// <summary>Try again later with the same idempotency key, no sooner than <see cref="After"/>.</summary>
    public sealed record Retry(string Reason, TimeSpan After) : CaptureDecision;

    /// <summary>The answer does not say what happened: read the intent back before deciding.</summary>
    public sealed record ReadBack(string Reason) : CaptureDecision;

    /// <summary>
    /// The gateway refused us, not the payment (a bad API key, missing permission): the job is
    /// dead, the row stays capturing (no capture happened) until the configuration is fixed and the job requeued.
    /// </summary>
    public sealed record Refused(string Reason) : CaptureDecision;
}
