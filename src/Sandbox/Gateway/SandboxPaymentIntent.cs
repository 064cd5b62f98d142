namespace Jobs.Sandbox.Gateway;

/// <summary>
/// A PaymentIntent as the sandbox answers it: the subset of Stripe's object a capture needs, with
/// its names (serialized snake_case: <c>amount_capturable</c>, <c>latest_charge</c>...).
/// </summary>
public sealed record SandboxPaymentIntent(
    string Id,
    long Amount,
    long AmountCapturable,
    long AmountReceived,
    string Currency,
    string Status,
    string CaptureMethod,
    string? LatestCharge,
    string? CancellationReason,
    long Created)
{
    /// <summary>Stripe's object type tag.</summary>
    public string Object => "payment_intent";

    /// <summary>Always test mode.</summary>
    public bool Livemode => false;
}
