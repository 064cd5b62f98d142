namespace Jobs.Payments;

/// <summary>One row of the payment ledger.</summary>
public sealed record PaymentRecord
{
    /// <summary>The ledger id, which capture jobs name.</summary>
    public required long Id { get; init; }
    /// <summary>The gateway's PaymentIntent id.</summary>
    public required string PaymentIntentId { get; init; }
    /// <summary>ISO 4217, lower case.</summary>
    public required string Currency { get; init; }
    /// <summary>The authorized amount, in minor units.</summary>
    public required long AmountAuthorized { get; init; }
    /// <summary>What the capture asked for, once one started.</summary>
    public long? AmountToCapture { get; init; }
    /// <summary>What the gateway received, once captured.</summary>
    public long? AmountCaptured { get; init; }
    /// <summary>The state.</summary>
    public required PaymentStatus Status { get; init; }
    /// <summary>The gateway's charge id, when it reported one.</summary>
    public string? ChargeId { get; init; }
    /// <summary>Why it failed, as the gateway's code (a decline code, <c>charge_expired_for_capture</c>...).</summary>
    public string? FailureCode { get; init; }
    /// <summary>Why it failed, in words.</summary>
    public string? FailureReason { get; init; }
    /// <summary>The last transient error while capturing.</summary>
    public string? LastError { get; init; }
    /// <summary>Capture attempts started.</summary>
    public required int CaptureAttempts { get; init; }
    /// <summary>When the row was written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When the first capture attempt started.</summary>
    public DateTimeOffset? CaptureStartedAt { get; init; }
    /// <summary>When it was recorded captured.</summary>
    public DateTimeOffset? CapturedAt { get; init; }
    /// <summary>When it was recorded failed.</summary>
    public DateTimeOffset? FailedAt { get; init; }
}
