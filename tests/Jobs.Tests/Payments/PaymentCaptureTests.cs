using Jobs.Engine.States;
using Jobs.Payments;
using Jobs.Sandbox.Gateway;
using Jobs.Testing;

namespace Jobs.Tests.Payments;

/// <summary>The capture job against the sandbox gateway: outcomes, retries and exactly one capture.</summary>
public sealed class PaymentCaptureTests : IAsyncLifetime
{
    private TestSchema _schema = null!;
    private PaymentRig _rig = null!;

    public async Task InitializeAsync()
    {
        _schema = await TestSchema.CreateAsync();
        _rig = await PaymentRig.StartAsync(_schema);
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _schema.DisposeAsync();
    }

    [Fact]
    public async Task An_authorized_payment_is_captured_once_and_the_ledger_records_the_gateways_ids()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(2500, "eur");

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 2500, "EUR"), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1, job.Attempt);
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal(PaymentStatus.Captured, payment.Status);
        Assert.Equal(2500, payment.AmountCaptured);
        Assert.Equal("eur", payment.Currency);
        Assert.Equal(intent.LatestCharge, payment.ChargeId);
        Assert.NotNull(payment.CapturedAt);
        Assert.Equal(1, payment.CaptureAttempts);
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        var call = Assert.Single(_rig.Captures(intent.Id));
        Assert.Equal(PaymentCaptureHandler.IdempotencyKeyFor(intent.Id), call.IdempotencyKey);
        Assert.Equal("Bearer " + PaymentRig.ApiKey, call.Authorization);
        Assert.Equal("2500", call.Form["amount_to_capture"]);
        Assert.Equal("succeeded", _rig.Gateway.GetIntent(intent.Id)!.Status);
    }

    [Fact]
    public async Task A_partial_capture_records_what_the_gateway_received()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(10_000);

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 7_250), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Captured, 7_250L, 10_000L), (payment.Status, payment.AmountCaptured!.Value, payment.AmountAuthorized));
        Assert.Equal(7_250, _rig.Gateway.GetIntent(intent.Id)!.AmountReceived);
    }

    [Fact]
    public async Task A_response_lost_after_the_gateway_committed_is_replayed_on_retry_without_a_second_capture()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(1_000);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.DropAfterCommit });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 1_000), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Contains("outcome unknown", Assert.Single(job.Errors).Error);
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        var calls = _rig.Captures(intent.Id);
        Assert.Equal(2, calls.Count);
        Assert.Equal([false, true], calls.Select(c => c.Replayed));
        Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct());
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Captured, 1_000L, 2), (payment.Status, payment.AmountCaptured!.Value, payment.CaptureAttempts));
        Assert.Equal(intent.LatestCharge, payment.ChargeId);
        Assert.Null(payment.LastError);
    }

    [Fact]
    public async Task An_answer_stalled_past_the_call_timeout_is_retried_and_replayed_without_a_second_capture()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(1_500);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.StallAfterCommit, Stall = TimeSpan.FromSeconds(30) });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 1_500), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Contains("did not answer within", Assert.Single(job.Errors).Error);
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        Assert.True(_rig.Captures(intent.Id)[^1].Replayed);
        Assert.Equal(PaymentStatus.Captured, (await _rig.PaymentAsync(paymentId)).Status);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_retry_after_and_then_captures()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(800);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.RateLimit, RetryAfter = TimeSpan.FromSeconds(1) });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 800), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Contains("rate limited", Assert.Single(job.Errors).Error);
        var calls = _rig.Captures(intent.Id);
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        Assert.Equal(PaymentStatus.Captured, (await _rig.PaymentAsync(paymentId)).Status);
    }

    [Fact]
    public async Task A_5xx_the_gateway_says_may_be_retried_is_retried_without_reading_the_intent_back()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(900);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.ServerError, ShouldRetry = true, Times = 2 });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 900), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(3, job.Attempt);
        Assert.All(job.Errors, e => Assert.Contains("may be retried", e.Error));
        Assert.Equal([500, 500, 200], _rig.Captures(intent.Id).Select(c => c.Status));
        Assert.Empty(_rig.Gateway.RequestsFor(intent.Id, GatewayOperation.Retrieve));
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        Assert.Equal(PaymentStatus.Captured, (await _rig.PaymentAsync(paymentId)).Status);
    }

    [Fact]
    public async Task A_5xx_after_the_gateway_committed_is_settled_by_reading_the_intent_back()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(1_200);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.ServerErrorAfterCommit });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 1_200), JobState.Succeeded);

        // One attempt: the read-back showed the capture had happened, so nothing was retried.
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1, job.Attempt);
        Assert.Equal([500], _rig.Captures(intent.Id).Select(c => c.Status));
        Assert.Equal([200], _rig.Gateway.RequestsFor(intent.Id, GatewayOperation.Retrieve).Select(c => c.Status));
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Captured, 1_200L, intent.LatestCharge), (payment.Status, payment.AmountCaptured!.Value, payment.ChargeId));
    }

    [Fact]
    public async Task A_5xx_without_retry_advice_before_a_commit_reads_the_intent_back_and_retries_while_it_requires_capture()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(1_300);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.ServerError, ShouldRetry = false });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 1_300), JobState.Succeeded);

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Contains("still requires capture", Assert.Single(job.Errors).Error);
        Assert.Single(_rig.Gateway.RequestsFor(intent.Id, GatewayOperation.Retrieve));
        Assert.Equal([500, 200], _rig.Captures(intent.Id).Select(c => c.Status));
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        Assert.Equal(PaymentStatus.Captured, (await _rig.PaymentAsync(paymentId)).Status);
    }

    [Fact]
    public async Task A_5xx_on_an_intent_whose_authorization_lapsed_fails_the_payment_after_the_read_back()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(1_400);
        _rig.Gateway.Expire(intent.Id);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.ServerError });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 1_400), JobState.Dead);

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal(1, job.Attempt);
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "payment_intent_canceled"), (payment.Status, payment.FailureCode));
        Assert.Contains("canceled (automatic)", payment.FailureReason);
        Assert.Equal(0, _rig.Gateway.CaptureCount(intent.Id));
    }

    [Fact]
    public async Task A_decline_fails_the_payment_with_the_decline_code_and_the_job_is_dead_at_once()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(5_000);
        _rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.Decline, DeclineCode = "insufficient_funds" });

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 5_000), JobState.Dead);

        Assert.Equal(JobState.Dead, job.State);
        Assert.Equal(1, job.Attempt);
        var error = Assert.Single(job.Errors);
        Assert.Equal(typeof(Engine.Handlers.PermanentJobFailureException).FullName, error.Type);
        Assert.Contains("insufficient_funds", error.Error);
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "insufficient_funds"), (payment.Status, payment.FailureCode));
        Assert.Contains("402 card_error/card_declined", payment.FailureReason);
        Assert.NotNull(payment.FailedAt);
        Assert.Null(payment.AmountCaptured);
        Assert.Equal(0, _rig.Gateway.CaptureCount(intent.Id));
    }

    [Fact]
    public async Task An_expired_authorization_fails_the_payment_and_the_job_is_dead()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(3_000);
        _rig.Gateway.Expire(intent.Id);

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 3_000), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        Assert.Contains("charge_expired_for_capture", Assert.Single(job.Errors).Error);
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "charge_expired_for_capture"), (payment.Status, payment.FailureCode));
        Assert.Contains("authorization has expired", payment.FailureReason);
    }

    [Fact]
    public async Task Reusing_the_idempotency_key_with_another_amount_is_surfaced_as_a_permanent_failure()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(2_000);
        // Something else (an old deployment, a script) already captured under this payment's key, with another amount.
        using (var http = new HttpClient { BaseAddress = new Uri(_rig.Sandbox.BaseUri, "gateway/") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/payment_intents/{intent.Id}/capture")
            {
                Content = new FormUrlEncodedContent([new("amount_to_capture", "1500")]),
            };
            request.Headers.Add("Authorization", "Bearer sk_test_other");
            request.Headers.Add("Idempotency-Key", PaymentCaptureHandler.IdempotencyKeyFor(intent.Id));
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var job = await _rig.FinishedAsync(await _rig.CaptureAsync(paymentId, 2_000), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        var error = Assert.Single(job.Errors).Error;
        Assert.Contains("idempotency_error", error);
        Assert.Contains("same parameters", error);
        Assert.Equal(400, _rig.Captures(intent.Id)[^1].Status);
        var payment = await _rig.PaymentAsync(paymentId);
        Assert.Equal((PaymentStatus.Failed, "idempotency_error"), (payment.Status, payment.FailureCode));
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
    }

    [Fact]
    public async Task Two_jobs_for_one_payment_capture_it_once()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(4_000);

        var first = await _rig.CaptureAsync(paymentId, 4_000);
        var second = await _rig.CaptureAsync(paymentId, 4_000);

        Assert.Equal(JobState.Succeeded, (await _rig.FinishedAsync(first, JobState.Succeeded)).State);
        Assert.Equal(JobState.Succeeded, (await _rig.FinishedAsync(second, JobState.Succeeded)).State);
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        Assert.Equal(PaymentStatus.Captured, (await _rig.PaymentAsync(paymentId)).Status);
    }

    [Fact]
    public async Task Running_a_succeeded_capture_again_calls_the_gateway_no_more()
    {
        var (intent, paymentId) = await _rig.AuthorizeAsync(600);
        var job = await _rig.CaptureAsync(paymentId, 600);
        await _rig.FinishedAsync(job, JobState.Succeeded);

        Assert.True(await _rig.Engine.Client.RequeueAsync(job));
        await Eventually.TrueAsync(async () => (await _rig.Engine.Client.GetAsync(job))!.Attempt == 2
            && (await _rig.Engine.Client.GetAsync(job))!.State == JobState.Succeeded, "the requeued job to run again");

        Assert.Single(_rig.Captures(intent.Id));
        Assert.Equal(1, _rig.Gateway.CaptureCount(intent.Id));
        Assert.Contains(_rig.Engine.Logs.Lines, l => l.EventId.Id == 3002);
    }
}
