using Jobs.Engine.Handlers;

namespace Jobs.Payments;

/// <summary>
/// Captures <paramref name="Amount"/> of the authorized payment <paramref name="PaymentId"/> (a row
/// of the payment ledger, see <see cref="PaymentLedger.CreateAuthorizedAsync(AuthorizedPayment, CancellationToken)"/>).
/// JSON: <c>{"paymentId": 42, "amount": 1500, "currency": "usd"}</c>.
/// </summary>
/// <param name="PaymentId">The ledger id of the payment.</param>
/// <param name="Amount">
/// How much to capture, in the currency's minor unit (cents): at least 1 and at most the authorized
/// amount. Less than authorized is a partial capture; the gateway releases the rest.
/// </param>
/// <param name="Currency">The ISO 4217 code (any case); must be the payment's currency.</param>
public sealed record PaymentCaptureArgs(long PaymentId, long Amount, string Currency) : IJobArgs
{
    /// <inheritdoc />
    public static string Kind => "payment.capture";
}
