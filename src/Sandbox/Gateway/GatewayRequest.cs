namespace Jobs.Sandbox.Gateway;

/// <summary>One call the sandbox gateway received, as the tests inspect it.</summary>
/// <param name="At">When it was answered (or, for a lost or stalled answer, when it committed).</param>
/// <param name="Operation">Which call.</param>
/// <param name="PaymentIntentId">The intent in the path, if any.</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header, if sent.</param>
/// <param name="Authorization">The <c>Authorization</c> header as sent.</param>
/// <param name="Form">The form fields.</param>
/// <param name="Status">The status answered (or that would have been, for a lost answer).</param>
/// <param name="Replayed">True when answered from the idempotency store.</param>
/// <param name="Fault">The scripted fault applied, if any.</param>
public sealed record GatewayRequest(
    DateTimeOffset At,
    GatewayOperation Operation,
    string? PaymentIntentId,
    string? IdempotencyKey,
    string? Authorization,
    IReadOnlyDictionary<string, string> Form,
    int Status,
    bool Replayed,
    GatewayFaultKind? Fault);
