using Dapper;
using Npgsql;

namespace Jobs.Payments;

/// <summary>The ledger's side of the capture job: each call is one short transaction.</summary>
public sealed partial class PaymentLedger
{
    /// <summary>
    /// Checks a capture of <paramref name="amount"/> against the row and marks it capturing, or says
    /// why not (leaving the row as it was). The arguments are already checked on their own.
    /// </summary>
    internal async Task<CaptureStart> BeginCaptureAsync(long paymentId, long amount, string currency, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var payment = await ReadOneAsync(connection, transaction, _sql.LockById, new NpgsqlParameter("Id", paymentId), cancellationToken);
        var refusal = payment is null ? $"Payment {paymentId} does not exist in the ledger." : Refusal(payment, amount, currency);
        if (refusal is not null)
        {
            return new CaptureStart.Refused(refusal);
        }
        if (payment!.Status == PaymentStatus.Captured)
        {
            return new CaptureStart.AlreadyCaptured(payment);
        }
        await connection.ExecuteAsync(new CommandDefinition(_sql.StartCapture, new { Id = paymentId, Amount = amount }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new CaptureStart.Proceed(payment with { Status = PaymentStatus.Capturing, AmountToCapture = amount });
    }

    internal async Task<bool> MarkCapturedAsync(long paymentId, long amountCaptured, string? chargeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(_sql.MarkCaptured,
            new { Id = paymentId, AmountCaptured = amountCaptured, ChargeId = chargeId }, cancellationToken: cancellationToken)) == 1;
    }

    internal async Task<bool> MarkFailedAsync(long paymentId, string code, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(_sql.MarkFailed,
            new { Id = paymentId, FailureCode = code, FailureReason = reason }, cancellationToken: cancellationToken)) == 1;
    }

    internal async Task RecordErrorAsync(long paymentId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.RecordError, new { Id = paymentId, Error = error },
            cancellationToken: cancellationToken));
    }

    /// <summary>Why a capture of <paramref name="amount"/> cannot go ahead on this row, or null when it can.</summary>
    private static string? Refusal(PaymentRecord payment, long amount, string currency)
    {
        if (payment.Currency != currency)
        {
            return $"Payment {payment.Id} is in {payment.Currency}, not {currency}.";
        }
        if (amount > payment.AmountAuthorized)
        {
            return $"Amount {amount} exceeds the {payment.AmountAuthorized} {payment.Currency} authorized for payment {payment.Id}.";
        }
        return payment.Status switch
        {
            PaymentStatus.Captured when payment.AmountCaptured != amount =>
                $"Payment {payment.Id} is already captured with {payment.AmountCaptured} {payment.Currency}; this job asks for {amount}.",
            PaymentStatus.Failed =>
                $"Payment {payment.Id} already failed ({payment.FailureCode}): {payment.FailureReason}",
            // The capture in flight may have reached the gateway; another amount under the same
            // idempotency key would only be refused there. Let the job that started it finish.
            PaymentStatus.Capturing when payment.AmountToCapture != amount =>
                $"Payment {payment.Id} has a capture of {payment.AmountToCapture} {payment.Currency} in flight; this job asks for {amount}.",
            _ => null,
        };
    }
}
