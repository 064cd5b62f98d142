using Jobs.Engine.States;
using Jobs.Payments;

namespace Jobs.Tests.Payments;

/// <summary>Capture jobs with bad arguments: dead at once, naming the problem, leaving the ledger and the gateway untouched.</summary>
public sealed class PaymentInputTests : PaymentTestBase
{
    [Theory]
    [InlineData(-500, "usd", false, "Amount -500 is negative")]
    [InlineData(0, "usd", false, "Amount 0 captures nothing")]
    [InlineData(1_001, "usd", false, "Amount 1001 exceeds the 1000 usd authorized for payment")]
    [InlineData(1_000, "xyz", false, "Currency 'xyz' is not an ISO 4217 currency code")]
    [InlineData(1_000, "dollars", false, "Currency 'dollars' is not an ISO 4217 currency code")]
    [InlineData(1_000, "eur", false, "is in usd, not eur")]
    [InlineData(1_000, "usd", true, "does not exist in the ledger")]
    public async Task Bad_input_kills_the_job_with_the_reason_and_leaves_no_trace(long amount, string currency, bool unknownPayment, string reason)
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(1_000);
        var target = unknownPayment ? paymentId + 1_000 : paymentId;

        var job = await Rig.FinishedAsync(await Rig.CaptureAsync(target, amount, currency), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        var error = Assert.Single(job.Errors);
        Assert.Equal(typeof(Engine.Handlers.PermanentJobFailureException).FullName, error.Type);
        Assert.Contains(reason, error.Error);
        var payment = await Rig.PaymentAsync(paymentId);
        Assert.Equal(PaymentStatus.Authorized, payment.Status);
        Assert.Equal((0, null, null), (payment.CaptureAttempts, payment.AmountToCapture, payment.CaptureStartedAt));
        Assert.Equal(payment.CreatedAt, payment.UpdatedAt);
        Assert.Empty(Rig.Gateway.Requests);
        Assert.Equal("requires_capture", Rig.Gateway.GetIntent(intent.Id)!.Status);
        Assert.Contains(Rig.Engine.Logs.Lines, l => l.EventId.Id == 3006 && l.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Arguments_enqueued_from_sql_without_a_currency_kill_the_job_naming_it()
    {
        var (_, paymentId) = await Rig.AuthorizeAsync(100);
        var job = await Schema.ScalarAsync<long>(
            "select {s}.enqueue('payment.capture', jsonb_build_object('paymentId', @paymentId, 'amount', 100))", new { paymentId });

        var info = await Rig.FinishedAsync(job, JobState.Dead);

        Assert.Equal(JobState.Dead, info.State);
        Assert.Contains("currency", Assert.Single(info.Errors).Error, StringComparison.OrdinalIgnoreCase);
    }
}
