namespace Jobs.Payments;

/// <summary>What the ledger says about a capture a job is about to make.</summary>
internal abstract record CaptureStart
{
    /// <summary>The row is now capturing this amount: call the gateway.</summary>
    public sealed record Proceed(PaymentRecord Payment) : CaptureStart;

    /// <summary>The row is already captured with this amount: nothing to do.</summary>
    public sealed record AlreadyCaptured(PaymentRecord Payment) : CaptureStart;

    /// <summary>The job's arguments do not fit the row; nothing was changed.</summary>
    public sealed record Refused(string Reason) : CaptureStart;
}
