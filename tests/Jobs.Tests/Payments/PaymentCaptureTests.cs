using Jobs.Engine.Handlers;
using Jobs.Engine.States;
using Jobs.Payments;
using Jobs.Sandbox.Gateway;
using Jobs.Testing;

namespace Jobs.Tests.Payments;

/// <summary>The capture job against the sandbox gateway: outcomes, retries and exactly one capture.</summary>
public sealed class PaymentCaptureTests : PaymentTestBase
{
    [Fact]
    public async Task An_authorized_payment_is_captured_once_and_the_ledger_records_the_gateways_ids()
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(2500, "eur");

        var job = await Rig.FinishedAsync(await Rig.CaptureAsync(paymentId, 2500, "EUR"), JobState.Succeeded);

        Assert.Equal((JobState.Succeeded, 1), (job.State, job.Attempt));
        var payment = await Rig.AssertCapturedOnceAsync(new PaymentRig.Run(intent, paymentId, job), 2500);
        Assert.Equal(("eur", 1, null), (payment.Currency, payment.CaptureAttempts, payment.LastError));
        var call = Assert.Single(Rig.Captures(intent.Id));
        Assert.Equal("Bearer " + PaymentRig.ApiKey, call.Authorization);
        Assert.Equal("2500", call.Form["amount_to_capture"]);
        Assert.Equal("succeeded", Rig.Gateway.GetIntent(intent.Id)!.Status);
        Assert.Contains(Rig.Engine.Logs.Lines, l => l.EventId.Id == 3001 && l.Message.Contains($"Payment {paymentId} captured: 2500 eur", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partial_capture_records_what_the_gateway_received()
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(10_000);

        var job = await Rig.FinishedAsync(await Rig.CaptureAsync(paymentId, 7_250), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        var payment = await Rig.AssertCapturedOnceAsync(new PaymentRig.Run(intent, paymentId, job), 7_250);
        Assert.Equal(10_000, payment.AmountAuthorized);
        Assert.Equal(7_250, Rig.Gateway.GetIntent(intent.Id)!.AmountReceived);
    }

    [Fact]
    public async Task A_response_lost_after_the_gateway_committed_is_replayed_on_retry_without_a_second_capture()
    {
        var run = await Rig.RunAsync(1_000, JobState.Succeeded, new GatewayFault { Kind = GatewayFaultKind.DropAfterCommit });

        Assert.Equal(2, run.Job.Attempt);
        Assert.Contains("outcome unknown", Assert.Single(run.Job.Errors).Error);
        Assert.Equal([false, true], Rig.Captures(run.Intent.Id).Select(c => c.Replayed));
        var payment = await Rig.AssertCapturedOnceAsync(run, 1_000);
        Assert.Equal((2, null), (payment.CaptureAttempts, payment.LastError));
    }

    [Fact]
    public async Task An_answer_stalled_past_the_call_timeout_is_retried_and_replayed_without_a_second_capture()
    {
        var run = await Rig.RunAsync(1_500, JobState.Succeeded,
            new GatewayFault { Kind = GatewayFaultKind.StallAfterCommit, Stall = TimeSpan.FromSeconds(30) });

        Assert.Equal(2, run.Job.Attempt);
        Assert.Contains("did not answer within", Assert.Single(run.Job.Errors).Error);
        Assert.True(Rig.Captures(run.Intent.Id)[^1].Replayed);
        await Rig.AssertCapturedOnceAsync(run, 1_500);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_retry_after_and_then_captures()
    {
        var run = await Rig.RunAsync(800, JobState.Succeeded,
            new GatewayFault { Kind = GatewayFaultKind.RateLimit, RetryAfter = TimeSpan.FromSeconds(1) });

        Assert.Equal(2, run.Job.Attempt);
        Assert.Contains("rate limited", Assert.Single(run.Job.Errors).Error);
        var calls = Rig.Captures(run.Intent.Id);
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
        await Rig.AssertCapturedOnceAsync(run, 800);
    }

    [Fact]
    public async Task A_409_is_retried_with_the_same_key()
    {
        var run = await Rig.RunAsync(700, JobState.Succeeded, new GatewayFault { Kind = GatewayFaultKind.Conflict });

        Assert.Equal(2, run.Job.Attempt);
        Assert.Equal([409, 200], Rig.Captures(run.Intent.Id).Select(c => c.Status));
        await Rig.AssertCapturedOnceAsync(run, 700);
    }

    [Fact]
    public async Task A_retry_racing_a_slow_capture_gets_409s_until_the_first_finishes_then_its_replay()
    {
        // Longer than the 2 s call timeout: the first attempt gives up while the gateway still works on it.
        var run = await Rig.RunAsync(750, JobState.Succeeded,
            new GatewayFault { Kind = GatewayFaultKind.StallBeforeCommit, Stall = TimeSpan.FromSeconds(3) });

        Assert.Contains("did not answer within", run.Job.Errors[0].Error);
        var calls = Rig.Captures(run.Intent.Id);
        Assert.Contains(calls, c => c.Status == 409);
        Assert.True(calls[^1].Replayed);
        await Rig.AssertCapturedOnceAsync(run, 750);
    }

    [Fact]
    public async Task A_5xx_the_gateway_says_may_be_retried_is_retried_without_reading_the_intent_back()
    {
        var run = await Rig.RunAsync(900, JobState.Succeeded,
            new GatewayFault { Kind = GatewayFaultKind.ServerError, ShouldRetry = true, Times = 2 });

        Assert.Equal(3, run.Job.Attempt);
        Assert.All(run.Job.Errors, e => Assert.Contains("may be retried", e.Error));
        Assert.Equal([500, 500, 200], Rig.Captures(run.Intent.Id).Select(c => c.Status));
        Assert.Empty(Rig.Gateway.RequestsFor(run.Intent.Id, GatewayOperation.Retrieve));
        await Rig.AssertCapturedOnceAsync(run, 900);
    }

    [Fact]
    public async Task A_5xx_after_the_gateway_committed_is_settled_by_reading_the_intent_back()
    {
        var run = await Rig.RunAsync(1_200, JobState.Succeeded, new GatewayFault { Kind = GatewayFaultKind.ServerErrorAfterCommit });

        // One attempt: the read-back showed the capture had happened, so nothing was retried.
        Assert.Equal(1, run.Job.Attempt);
        Assert.Equal([500], Rig.Captures(run.Intent.Id).Select(c => c.Status));
        Assert.Equal([200], Rig.Gateway.RequestsFor(run.Intent.Id, GatewayOperation.Retrieve).Select(c => c.Status));
        await Rig.AssertCapturedOnceAsync(run, 1_200);
    }

    [Fact]
    public async Task A_5xx_without_retry_advice_before_a_commit_reads_the_intent_back_and_retries_while_it_requires_capture()
    {
        var run = await Rig.RunAsync(1_300, JobState.Succeeded, new GatewayFault { Kind = GatewayFaultKind.ServerError, ShouldRetry = false });

        Assert.Equal(2, run.Job.Attempt);
        Assert.Contains("still requires capture", Assert.Single(run.Job.Errors).Error);
        Assert.Single(Rig.Gateway.RequestsFor(run.Intent.Id, GatewayOperation.Retrieve));
        Assert.Equal([500, 200], Rig.Captures(run.Intent.Id).Select(c => c.Status));
        await Rig.AssertCapturedOnceAsync(run, 1_300);
    }

    [Fact]
    public async Task A_5xx_on_an_intent_whose_authorization_lapsed_fails_the_payment_after_the_read_back()
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(1_400);
        Rig.Gateway.Expire(intent.Id);
        Rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.ServerError });

        var job = await Rig.FinishedAsync(await Rig.CaptureAsync(paymentId, 1_400), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        var payment = await Rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "payment_intent_canceled"), (payment.Status, payment.FailureCode));
        Assert.Contains("canceled (automatic)", payment.FailureReason);
        Assert.Equal(0, Rig.Gateway.CaptureCount(intent.Id));
    }

    [Fact]
    public async Task A_decline_fails_the_payment_with_the_decline_code_and_the_job_is_dead_at_once()
    {
        var run = await Rig.RunAsync(5_000, JobState.Dead, new GatewayFault { Kind = GatewayFaultKind.Decline, DeclineCode = "insufficient_funds" });

        Assert.Equal(1, run.Job.Attempt);
        var error = Assert.Single(run.Job.Errors);
        Assert.Equal(typeof(PermanentJobFailureException).FullName, error.Type);
        Assert.Contains("insufficient_funds", error.Error);
        var payment = await Rig.PaymentAsync(run.PaymentId);
        Assert.Equal((PaymentStatus.Failed, "insufficient_funds", null), (payment.Status, payment.FailureCode, payment.AmountCaptured));
        Assert.Contains("402 card_error/card_declined", payment.FailureReason);
        Assert.NotNull(payment.FailedAt);
        Assert.Equal(0, Rig.Gateway.CaptureCount(run.Intent.Id));
    }

    [Fact]
    public async Task An_expired_authorization_fails_the_payment_and_the_job_is_dead()
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(3_000);
        Rig.Gateway.Expire(intent.Id);

        var job = await Rig.FinishedAsync(await Rig.CaptureAsync(paymentId, 3_000), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        Assert.Contains("charge_expired_for_capture", Assert.Single(job.Errors).Error);
        var payment = await Rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "charge_expired_for_capture"), (payment.Status, payment.FailureCode));
        Assert.Contains("authorization has expired", payment.FailureReason);
    }

    [Fact]
    public async Task Reusing_the_idempotency_key_with_another_amount_is_surfaced_as_a_permanent_failure()
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(2_000);
        // Something else (an old deployment, a script) already captured under this payment's key, with another amount.
        using (var http = new HttpClient { BaseAddress = new Uri(Rig.Sandbox.BaseUri, "gateway/") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/payment_intents/{intent.Id}/capture")
            {
                Content = new FormUrlEncodedContent([new("amount_to_capture", "1500")]),
            };
            request.Headers.Add("Authorization", "Bearer sk_test_other");
            request.Headers.Add("Idempotency-Key", PaymentCaptureHandler.IdempotencyKeyFor(intent.Id));
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var job = await Rig.FinishedAsync(await Rig.CaptureAsync(paymentId, 2_000), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        var error = Assert.Single(job.Errors).Error;
        Assert.Contains("idempotency_error", error);
        Assert.Contains("same parameters", error);
        Assert.Equal(400, Rig.Captures(intent.Id)[^1].Status);
        var payment = await Rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "idempotency_error"), (payment.Status, payment.FailureCode));
        Assert.Equal(1, Rig.Gateway.CaptureCount(intent.Id));
    }

    [Fact]
    public async Task Two_jobs_for_one_payment_capture_it_once()
    {
        var (intent, paymentId) = await Rig.AuthorizeAsync(4_000);

        var first = await Rig.CaptureAsync(paymentId, 4_000);
        var second = await Rig.CaptureAsync(paymentId, 4_000);

        var job = await Rig.FinishedAsync(first, JobState.Succeeded);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(JobState.Succeeded, (await Rig.FinishedAsync(second, JobState.Succeeded)).State);
        await Rig.AssertCapturedOnceAsync(new PaymentRig.Run(intent, paymentId, job), 4_000);
    }

    [Fact]
    public async Task Running_a_succeeded_capture_again_calls_the_gateway_no_more()
    {
        var run = await Rig.RunAsync(600, JobState.Succeeded);

        Assert.True(await Rig.Engine.Client.RequeueAsync(run.Job.Id));
        await Eventually.TrueAsync(async () => (await Rig.Engine.Client.GetAsync(run.Job.Id)) is { Attempt: 2, State: JobState.Succeeded },
            "the requeued job to run again");

        Assert.Single(Rig.Captures(run.Intent.Id));
        await Rig.AssertCapturedOnceAsync(run, 600);
        Assert.Contains(Rig.Engine.Logs.Lines, l => l.EventId.Id == 3002);
    }
}
