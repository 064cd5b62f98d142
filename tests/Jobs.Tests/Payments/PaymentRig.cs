using Jobs.Engine.Client;
using Jobs.Engine.States;
using Jobs.Payments;
using Jobs.Sandbox.Gateway;
using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Tests.Payments;

/// <summary>
/// One payment test's world: the sandbox gateway on loopback and a worker with the business jobs
/// pointed at it, retrying fast. Authorizes payments the way an application would.
/// </summary>
internal sealed class PaymentRig : IAsyncDisposable
{
    /// <summary>A key that must never show up in a log line.</summary>
    public const string ApiKey = "sk_test_51QpaymentsRigKey0123456789abcdefSECRET";

    private PaymentRig(SandboxHost sandbox, TestEngine engine)
    {
        Sandbox = sandbox;
        Engine = engine;
    }

    public SandboxHost Sandbox { get; }
    public TestEngine Engine { get; }
    public GatewayState Gateway => Sandbox.Get<GatewayState>();
    public PaymentLedger Ledger => Engine.Services.GetRequiredService<PaymentLedger>();

    public static async Task<PaymentRig> StartAsync(TestSchema schema, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var sandbox = await SandboxHost.StartAsync();
        var values = Settings(sandbox);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        return new PaymentRig(sandbox, await BusinessEngine.StartAsync(schema, values));
    }

    /// <summary>The job's settings for this sandbox: fast retries, a short per-call timeout.</summary>
    public static Dictionary<string, string?> Settings(SandboxHost sandbox) => new()
    {
        ["App:Payments:GatewayUrl"] = sandbox.BaseUri + "gateway/",
        ["App:Payments:ApiKey"] = ApiKey,
        ["App:Payments:RequestTimeout"] = "00:00:02",
        ["Jobs:Kinds:payment.capture:Retry:BaseDelay"] = "00:00:00.050",
        ["Jobs:Kinds:payment.capture:Retry:Jitter"] = "0",
    };

    /// <summary>An intent authorized at the gateway and its ledger row, as the application writes them.</summary>
    public async Task<(SandboxPaymentIntent Intent, long PaymentId)> AuthorizeAsync(long amount, string currency = "usd")
    {
        var intent = Gateway.CreateIntent(amount, currency);
        var id = await Ledger.CreateAuthorizedAsync(new AuthorizedPayment(intent.Id, amount, currency));
        return (intent, id);
    }

    /// <summary>Authorizes <paramref name="amount"/>, scripts the faults for that intent, enqueues its capture and waits for the job to finish.</summary>
    public async Task<Run> RunAsync(long amount, JobState expected, params GatewayFault[] faults)
    {
        var (intent, paymentId) = await AuthorizeAsync(amount);
        foreach (var fault in faults)
        {
            Gateway.Script(fault with { PaymentIntentId = intent.Id });
        }
        var job = await FinishedAsync(await CaptureAsync(paymentId, amount), expected);
        Assert.Equal(expected, job.State);
        return new Run(intent, paymentId, job);
    }

    /// <summary>The guarantee: one capture at the gateway, every call under one key, and the ledger agrees.</summary>
    public async Task<PaymentRecord> AssertCapturedOnceAsync(Run run, long amount)
    {
        Assert.Equal(1, Gateway.CaptureCount(run.Intent.Id));
        Assert.Equal([PaymentCaptureHandler.IdempotencyKeyFor(run.Intent.Id)], Captures(run.Intent.Id).Select(c => c.IdempotencyKey).Distinct());
        var payment = await PaymentAsync(run.PaymentId);
        Assert.Equal((PaymentStatus.Captured, amount, run.Intent.LatestCharge), (payment.Status, payment.AmountCaptured, payment.ChargeId));
        Assert.NotNull(payment.CapturedAt);
        return payment;
    }

    public async Task<long> CaptureAsync(long paymentId, long amount, string currency = "usd") =>
        (await Engine.Client.EnqueueAsync(new PaymentCaptureArgs(paymentId, amount, currency))).Id;

    public Task<JobInfo> FinishedAsync(long jobId, JobState state) =>
        Eventually.ReturnsAsync(async () => (await Engine.Client.GetAsync(jobId))!, j => j.State == state || j.State is JobState.Dead or JobState.Succeeded,
            $"job {jobId} to be {state}");

    public async Task<PaymentRecord> PaymentAsync(long id) => (await Ledger.GetAsync(id))!;

    public IReadOnlyList<GatewayRequest> Captures(string intentId) => Gateway.RequestsFor(intentId, GatewayOperation.Capture);

    public sealed record Run(SandboxPaymentIntent Intent, long PaymentId, JobInfo Job);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
