using Jobs.Engine.Handlers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jobs.Payments;

/// <summary>
/// Captures an authorized payment exactly once. The ledger row is marked capturing before the
/// gateway is called, and every call for the payment carries the same idempotency key, so however
/// often the job runs (retries, lost answers, a worker killed mid-call and the job rescued) the
/// gateway performs one capture and replays its answer to the others.
/// </summary>
internal sealed class PaymentCaptureHandler(
    PaymentLedger ledger,
    GatewayClient gateway,
    IOptions<PaymentsOptions> options,
    AppMetrics metrics,
    ILogger<PaymentCaptureHandler> logger) : IJobHandler<PaymentCaptureArgs>
{
    /// <summary>
    /// The capture's idempotency key. Derived from the intent, so it is the same on every attempt
    /// and every worker, and unique at the gateway however many ledgers share an account.
    /// </summary>
    public static string IdempotencyKeyFor(string paymentIntentId) => $"payment-capture-{paymentIntentId}";

    public async Task ExecuteAsync(JobContext<PaymentCaptureArgs> job, CancellationToken cancellationToken)
    {
        var args = job.Args;
        var problem = ArgsProblem(args)
            ?? (string.IsNullOrWhiteSpace(options.Value.ApiKey)
                ? $"{PaymentsOptions.SectionName}:ApiKey is not set; configure the gateway's key (App__Payments__ApiKey) and requeue the job."
                : null);
        if (problem is not null)
        {
            PaymentsLog.Rejected(logger, args.PaymentId, problem);
            metrics.CaptureAttempt("rejected");
            throw new PermanentJobFailureException(problem);
        }

        switch (await ledger.BeginCaptureAsync(args.PaymentId, args.Amount, Iso4217.Normalize(args.Currency), cancellationToken))
        {
            case CaptureStart.Refused refused:
                PaymentsLog.Rejected(logger, args.PaymentId, refused.Reason);
                metrics.CaptureAttempt("rejected");
                throw new PermanentJobFailureException(refused.Reason);
            case CaptureStart.AlreadyCaptured done:
                PaymentsLog.AlreadyCaptured(logger, args.PaymentId, done.Payment.AmountCaptured);
                metrics.CaptureAttempt("already_captured");
                return;
            case CaptureStart.Proceed proceed:
                await CaptureAsync(proceed.Payment, args.Amount, cancellationToken);
                return;
        }
    }

    /// <summary>What is wrong with the arguments on their own, or null.</summary>
    private static string? ArgsProblem(PaymentCaptureArgs args)
    {
        if (args.Amount < 0)
        {
            return $"Amount {args.Amount} is negative; a capture takes a positive amount in minor units.";
        }
        if (args.Amount == 0)
        {
            return "Amount 0 captures nothing; cancel the payment intent instead.";
        }
        if (!Iso4217.IsCurrency(args.Currency))
        {
            return $"Currency '{args.Currency}' is not an ISO 4217 currency code.";
        }
        return null;
    }

    private async Task CaptureAsync(PaymentRecord payment, long amount, CancellationToken cancellationToken)
    {
        PaymentsLog.Capturing(logger, payment.Id, payment.PaymentIntentId, amount, payment.Currency, payment.CaptureAttempts + 1);
        CaptureDecision decision;
        var replayed = false;
        Exception? cause = null;
        try
        {
            var reply = await gateway.CaptureAsync(payment.PaymentIntentId, amount, IdempotencyKeyFor(payment.PaymentIntentId), cancellationToken);
            replayed = reply.Replayed;
            decision = CaptureClassifier.OfCapture(reply);
            if (decision is CaptureDecision.ReadBack readBack)
            {
                PaymentsLog.ReadingBack(logger, payment.Id, payment.PaymentIntentId, readBack.Reason);
                decision = await ReadBackAsync(payment, readBack.Reason, cancellationToken);
            }
        }
        catch (GatewayUnavailableException e)
        {
            decision = new CaptureDecision.Retry($"outcome unknown: {e.Message}", e.RetryAfter);
            cause = e;
        }
        await ApplyAsync(payment, amount, decision, replayed, cause, cancellationToken);
    }

    private async Task<CaptureDecision> ReadBackAsync(PaymentRecord payment, string why, CancellationToken cancellationToken)
    {
        try
        {
            return CaptureClassifier.OfReadBack(await gateway.RetrieveAsync(payment.PaymentIntentId, cancellationToken), why);
        }
        catch (GatewayUnavailableException e)
        {
            return new CaptureDecision.Retry($"{why}; reading the intent back failed too: {e.Message}", e.RetryAfter);
        }
    }

    private async Task ApplyAsync(PaymentRecord payment, long amount, CaptureDecision decision, bool replayed, Exception? cause,
        CancellationToken cancellationToken)
    {
        switch (decision)
        {
            case CaptureDecision.Captured { Intent: var intent }:
                if (intent.AmountReceived != amount)
                {
                    PaymentsLog.AmountDiffers(logger, payment.Id, intent.AmountReceived, amount);
                }
                await ledger.MarkCapturedAsync(payment.Id, intent.AmountReceived, intent.LatestCharge, cancellationToken);
                PaymentsLog.Captured(logger, payment.Id, intent.AmountReceived, payment.Currency, intent.LatestCharge, replayed);
                metrics.CaptureAttempt("captured");
                return;
            case CaptureDecision.Failed failed:
                await ledger.MarkFailedAsync(payment.Id, failed.Code, failed.Reason, cancellationToken);
                PaymentsLog.Failed(logger, payment.Id, failed.Code, failed.Reason);
                metrics.CaptureAttempt("failed");
                throw new PermanentJobFailureException($"Payment {payment.Id} failed ({failed.Code}): {failed.Reason}");
            case CaptureDecision.Refused refused:
                await ledger.RecordErrorAsync(payment.Id, refused.Reason, cancellationToken);
                PaymentsLog.Refused(logger, payment.Id, refused.Reason);
                metrics.CaptureAttempt("refused");
                throw new PermanentJobFailureException(
                    $"Payment {payment.Id} not captured, {refused.Reason}. Fix {PaymentsOptions.SectionName} and requeue the job.");
            case CaptureDecision.Retry retry:
                // The row stays capturing: the capture may have happened. The next attempt asks
                // again under the same key, and the gateway either captures or replays.
                await ledger.RecordErrorAsync(payment.Id, retry.Reason, cancellationToken);
                PaymentsLog.Retrying(logger, payment.Id, retry.Reason);
                metrics.CaptureAttempt("retrying");
                var after = retry.After > options.Value.MaxRetryAfter ? options.Value.MaxRetryAfter : retry.After;
                throw new RetryJobException($"Payment {payment.Id} not captured yet: {retry.Reason}", after, cause);
            default:
                throw new InvalidOperationException($"Unexpected decision {decision} for payment {payment.Id}.");
        }
    }
}
