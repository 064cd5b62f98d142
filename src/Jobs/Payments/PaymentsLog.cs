using Microsoft.Extensions.Logging;

namespace Jobs.Payments;

/// <summary>
/// The payment job's log lines (event ids 3000-3099). None carries the API key or card data: only
/// ledger ids, the gateway's ids, amounts and the gateway's error codes and messages.
/// </summary>
internal static partial class PaymentsLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information,
        Message = "Capturing {Amount} {Currency} of payment {PaymentId} (intent {PaymentIntentId}, capture attempt {CaptureAttempt})")]
    public static partial void Capturing(ILogger logger, long paymentId, string paymentIntentId, long amount, string currency, int captureAttempt);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Payment {PaymentId} captured: {AmountCaptured} {Currency}, charge {ChargeId} (replayed by the gateway: {Replayed})")]
    public static partial void Captured(ILogger logger, long paymentId, long amountCaptured, string currency, string? chargeId, bool replayed);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Payment {PaymentId} is already captured with {AmountCaptured}; nothing to do")]
    public static partial void AlreadyCaptured(ILogger logger, long paymentId, long? amountCaptured);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Payment {PaymentId} failed ({FailureCode}): {Reason}")]
    public static partial void Failed(ILogger logger, long paymentId, string failureCode, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Payment {PaymentId} not captured yet, retrying with the same idempotency key: {Reason}")]
    public static partial void Retrying(ILogger logger, long paymentId, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Payment {PaymentId}: {Reason}; reading intent {PaymentIntentId} back")]
    public static partial void ReadingBack(ILogger logger, long paymentId, string paymentIntentId, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Capture of payment {PaymentId} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, long paymentId, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning,
        Message = "Payment {PaymentId}: the gateway received {AmountReceived}, the job asked for {Amount}; the ledger records what the gateway received")]
    public static partial void AmountDiffers(ILogger logger, long paymentId, long amountReceived, long amount);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Payment {PaymentId}: {Reason}")]
    public static partial void Refused(ILogger logger, long paymentId, string reason);
}
