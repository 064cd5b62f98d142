namespace Jobs.Payments;

/// <summary>The payment ledger's SQL, by name, for one business schema. Built once per process.</summary>
internal sealed class PaymentSql(string s)
{
    /// <summary>The columns <see cref="PaymentLedger"/> reads a <see cref="PaymentRecord"/> from, in this order.</summary>
    private const string Columns =
        "id, payment_intent_id, currency, amount_authorized, amount_to_capture, amount_captured, status, charge_id, " +
        "failure_code, failure_reason, last_error, capture_attempts, created_at, updated_at, capture_started_at, captured_at, failed_at";

    // A second registration of the same intent is not an error (the app may retry its own request),
    // so a conflict returns nothing and the caller reads the existing row to compare.
    public string InsertAuthorized { get; } = $"""
        insert into {s}.payment (payment_intent_id, currency, amount_authorized)
        values (@PaymentIntentId, @Currency, @Amount)
        on conflict (payment_intent_id) do nothing
        returning id
        """;

    public string SelectByIntent { get; } = $"select {Columns} from {s}.payment where payment_intent_id = @PaymentIntentId";

    public string SelectById { get; } = $"select {Columns} from {s}.payment where id = @Id";

    // Held only for the short transaction that checks the job's arguments against the row and marks
    // it capturing; never across the gateway call. Two jobs for one payment queue here, and the
    // second sees what the first wrote.
    public string LockById { get; } = $"select {Columns} from {s}.payment where id = @Id for update";

    // capture_started_at keeps the first attempt's time; later attempts (after a lost response, a
    // rescue) only count themselves.
    public string StartCapture { get; } = $"""
        update {s}.payment
           set status = 'capturing', amount_to_capture = @Amount, capture_attempts = capture_attempts + 1,
               capture_started_at = coalesce(capture_started_at, now()), updated_at = now()
         where id = @Id
        """;

    // The outcome updates only move a row that is still capturing: whichever of two racing jobs
    // records first wins, and the other changes nothing.
    public string MarkCaptured { get; } = $"""
        update {s}.payment
           set status = 'captured', amount_captured = @AmountCaptured, charge_id = coalesce(@ChargeId, charge_id),
               captured_at = now(), updated_at = now(), last_error = null
         where id = @Id and status = 'capturing'
        """;

    public string MarkFailed { get; } = $"""
        update {s}.payment
           set status = 'failed', failure_code = @FailureCode, failure_reason = @FailureReason,
               failed_at = now(), updated_at = now()
         where id = @Id and status = 'capturing'
        """;

    public string RecordError { get; } = $"""
        update {s}.payment set last_error = @Error, updated_at = now()
         where id = @Id and status = 'capturing'
        """;
}
