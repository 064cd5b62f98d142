namespace Jobs.Payments;

/// <summary>Where a payment is in the ledger.</summary>
public enum PaymentStatus
{
    /// <summary>Authorized at the gateway; no capture started.</summary>
    Authorized,

    /// <summary>
    /// A capture was sent, or is about to be, and its outcome is not known yet. A row that stays
    /// here after its job is dead needs reconciling: requeue the job (it reuses its idempotency
    /// key, so it can never capture twice) or read the intent at the gateway.
    /// </summary>
    Capturing,

    /// <summary>The gateway captured the payment; the row holds the amount received and the charge.</summary>
    Captured,

    /// <summary>The gateway refused the capture for good (a decline, an expired authorization...); the row says why.</summary>
    Failed,
}
