using Jobs.Engine.States;
using Jobs.Sandbox.Gateway;
using Jobs.Testing;

namespace Jobs.Tests.Payments;

/// <summary>The gateway's API key is sent to the gateway and nowhere else: not in logs, not in job errors.</summary>
public sealed class PaymentSecretTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task The_api_key_never_appears_in_logs_or_job_errors()
    {
        await using var rig = await PaymentRig.StartAsync(_schema);
        // Success, a lost answer (network error), a decline and a refused key: every path that logs.
        var (captured, capturedId) = await rig.AuthorizeAsync(1_000);
        rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.DropAfterCommit, PaymentIntentId = captured.Id });
        var (declined, declinedId) = await rig.AuthorizeAsync(1_000);
        rig.Gateway.Script(new GatewayFault { Kind = GatewayFaultKind.Decline, PaymentIntentId = declined.Id });
        var jobs = new[] { await rig.CaptureAsync(capturedId, 1_000), await rig.CaptureAsync(declinedId, 1_000) };
        Assert.Equal(JobState.Succeeded, (await rig.FinishedAsync(jobs[0], JobState.Succeeded)).State);
        Assert.Equal(JobState.Dead, (await rig.FinishedAsync(jobs[1], JobState.Dead)).State);
        rig.Gateway.ApiKey = "sk_test_the_one_the_gateway_wants";
        var (refused, refusedId) = await rig.AuthorizeAsync(1_000);
        var refusedJob = await rig.FinishedAsync(await rig.CaptureAsync(refusedId, 1_000), JobState.Dead);
        Assert.Contains("refused our credentials", Assert.Single(refusedJob.Errors).Error);
        Assert.Equal(0, rig.Gateway.CaptureCount(refused.Id));

        // The key was in use: the gateway received it on every call.
        Assert.All(rig.Gateway.Requests, r => Assert.Equal("Bearer " + PaymentRig.ApiKey, r.Authorization));
        Assert.NotEmpty(rig.Engine.Logs.Lines);
        var leaks = rig.Engine.Logs.Lines.Where(l => l.Message.Contains(PaymentRig.ApiKey, StringComparison.Ordinal)
            || l.Exception?.ToString().Contains(PaymentRig.ApiKey, StringComparison.Ordinal) == true
            || l.Scope.Values.Any(v => v?.ToString()?.Contains(PaymentRig.ApiKey, StringComparison.Ordinal) == true));
        Assert.Empty(leaks);
        Assert.Equal(0L, await _schema.ScalarAsync<long>(
            "select count(*) from {s}.job where errors::text like '%' || @key || '%' or args::text like '%' || @key || '%'", new { key = PaymentRig.ApiKey }));
        Assert.Equal(0L, await _schema.ScalarAsync<long>(
            "select count(*) from {app}.payment p where p::text like '%' || @key || '%'", new { key = PaymentRig.ApiKey }));
    }

    [Fact]
    public async Task Without_an_api_key_the_worker_runs_and_capture_jobs_are_dead_naming_the_setting()
    {
        await using var rig = await PaymentRig.StartAsync(_schema, new Dictionary<string, string?> { ["App:Payments:ApiKey"] = "" });
        var (intent, paymentId) = await rig.AuthorizeAsync(1_000);

        var job = await rig.FinishedAsync(await rig.CaptureAsync(paymentId, 1_000), JobState.Dead);

        Assert.Equal((JobState.Dead, 1), (job.State, job.Attempt));
        Assert.Contains("App:Payments:ApiKey is not set", Assert.Single(job.Errors).Error);
        Assert.Equal(Jobs.Payments.PaymentStatus.Authorized, (await rig.PaymentAsync(paymentId)).Status);
        Assert.Empty(rig.Gateway.RequestsFor(intent.Id, GatewayOperation.Capture));
    }
}
