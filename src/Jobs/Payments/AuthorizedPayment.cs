namespace Jobs.Payments;

/// <summary>A payment the application has authorized at the gateway, to be written to the ledger.</summary>
/// <param name="PaymentIntentId">The gateway's PaymentIntent id (<c>pi_...</c>), in status <c>requires_capture</c>.</param>
/// <param name="Amount">The authorized amount in the currency's minor unit (cents).</param>
/// <param name="Currency">The ISO 4217 code, any case.</param>
public sealed record AuthorizedPayment(string PaymentIntentId, long Amount, string Currency);
