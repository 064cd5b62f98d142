using Jobs.Engine.States;
using Jobs.Payments;
using Jobs.Sandbox.Gateway;
using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Tests.Payments;

/// <summary>A worker process killed while the gateway holds its capture: the rescued job still captures once.</summary>
public sealed class PaymentCrashTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_worker_killed_mid_capture_after_the_gateway_committed_is_rescued_and_the_payment_captured_once()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var gateway = sandbox.Get<GatewayState>();
        var settings = PaymentRig.Settings(sandbox);
        // A client-only host (it migrates the business schema): the application's side.
        long paymentId, jobId;
        SandboxPaymentIntent intent;
        await using (var app = await BusinessEngine.StartAsync(_schema, settings, server: false))
        {
            intent = gateway.CreateIntent(9_900);
            paymentId = await app.Services.GetRequiredService<PaymentLedger>().CreateAuthorizedAsync(new AuthorizedPayment(intent.Id, 9_900, "usd"));
            // The gateway commits the capture, then holds the answer until the caller goes away.
            gateway.Script(new GatewayFault { Kind = GatewayFaultKind.StallAfterCommit, Stall = TimeSpan.FromMinutes(5) });
            jobId = (await app.Client.EnqueueAsync(new PaymentCaptureArgs(paymentId, 9_900, "usd"))).Id;
        }

        using (var doomed = HostProcess.StartWorker(_schema, new Dictionary<string, string>
        {
            ["App__Payments__GatewayUrl"] = settings["App:Payments:GatewayUrl"]!,
            ["App__Payments__ApiKey"] = PaymentRig.ApiKey,
            // Longer than the test takes to kill it: the worker is still waiting when it dies.
            ["App__Payments__RequestTimeout"] = "00:01:00",
        }))
        {
            await Eventually.TrueAsync(() => Task.FromResult(gateway.CaptureCount(intent.Id) == 1),
                "the worker's capture to reach the gateway and stall", TimeSpan.FromSeconds(60));
            doomed.Crash();
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(PaymentStatus.Capturing, (await _schema.QueryAsync<string>("select status from {app}.payment where id = @paymentId", new { paymentId }))
            .Select(s => Enum.Parse<PaymentStatus>(s, ignoreCase: true)).Single());

        await using var rescuer = await BusinessEngine.StartAsync(_schema, settings);
        var job = await Eventually.ReturnsAsync(async () => (await rescuer.Client.GetAsync(jobId))!,
            j => j.State is JobState.Succeeded or JobState.Dead, "the second worker to rescue and finish the job", TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Equal("rescued", Assert.Single(job.Errors).Type);
        Assert.Equal(1, gateway.CaptureCount(intent.Id));
        var calls = gateway.RequestsFor(intent.Id, GatewayOperation.Capture);
        Assert.Equal(2, calls.Count);
        Assert.Equal(GatewayFaultKind.StallAfterCommit, calls[0].Fault);
        Assert.True(calls[1].Replayed);
        Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct());
        var payment = await rescuer.Services.GetRequiredService<PaymentLedger>().GetAsync(paymentId);
        Assert.Equal((PaymentStatus.Captured, 9_900L, intent.LatestCharge, 2), (payment!.Status, payment.AmountCaptured!.Value, payment.ChargeId, payment.CaptureAttempts));
    }
}
