using Jobs.Engine.States;
using Jobs.Sandbox.Receiver;
using Jobs.Testing;

namespace Jobs.Tests.Webhooks;

/// <summary>Endpoint secrets stay out of everything an operator or a log pipeline sees.</summary>
public sealed class WebhookSecretLoggingTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task No_secret_appears_in_the_logs_or_in_the_recorded_errors()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var flaky = await hooks.Endpoints.CreateAsync(hooks.Url("flaky"), description: "flaky");
        var rotated = await hooks.Endpoints.RotateSecretAsync(flaky.EndpointId);
        var gone = await hooks.Endpoints.CreateAsync(hooks.Url("gone"));
        // Refused at creation now; one made before that check (or whose DNS record changed) is refused at delivery.
        var blocked = await hooks.Endpoints.CreateAsync("https://93.184.215.14/hook");
        await _schema.ExecuteAsync("update {app}.webhook_endpoint set url = 'http://169.254.169.254/latest/meta-data/' where id = @id",
            new { id = blocked.EndpointId });
        hooks.Receiver.Script("flaky", new ReceiverReply(500), new ReceiverReply(429, RetryAfter: "0"), ReceiverReply.Ok);
        hooks.Receiver.Always("gone", new ReceiverReply(410));

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 });
        foreach (var delivery in published.Deliveries)
        {
            await Eventually.ReturnsAsync(async () => (await hooks.Client.GetAsync(delivery.JobId))!.State,
                s => s is JobState.Succeeded or JobState.Dead, $"job {delivery.JobId} to finish");
        }
        await hooks.Engine.StopAsync();

        var secrets = new[] { flaky.Secret, rotated.Secret, gone.Secret, blocked.Secret }.SelectMany(s => new[] { s, s["whsec_".Length..] }).ToList();
        var logged = hooks.Engine.Logs.Lines
            .Select(l => string.Join(" ", [l.Message, l.Exception?.ToString(), .. l.Scope.Values.Select(v => v?.ToString())]))
            .ToList();
        var recorded = await _schema.QueryAsync<string>(
            "select coalesce(errors::text, '') from {s}.job union all select coalesce(error, '') from {app}.webhook_attempt");

        Assert.Contains(logged, l => l.Contains("failed on attempt", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("disabled", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("rotated", StringComparison.Ordinal));
        Assert.Equal(3, hooks.Receiver.Received("flaky").Count);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logged, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(recorded, e => e.Contains(secret, StringComparison.Ordinal));
        }
    }
}
