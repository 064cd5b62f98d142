using Jobs.Engine.States;
using Jobs.Testing;

namespace Jobs.Tests.Webhooks;

/// <summary>The SSRF guard: deliveries never connect to the worker's own network unless configuration allows it.</summary>
public sealed class WebhookSsrfTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local")]
    [InlineData("http://10.0.0.1/hook", "10.0.0.1", "private")]
    [InlineData("https://[fd00::1]/hook", "fd00::1", "unique-local")]
    [InlineData("http://100.64.0.1/hook", "100.64.0.1", "carrier-grade NAT")]
    [InlineData("http://0.0.0.0/hook", "0.0.0.0", "unspecified")]
    [InlineData("http://[2002:a9fe:a9fe::1]/latest/meta-data/", "2002:a9fe:a9fe::1", "a 6to4 address (2002::/16) of 169.254.169.254, a link-local address")]
    [InlineData("http://[64:ff9b::a00:1]/hook", "64:ff9b::a00:1", "a NAT64 address (64:ff9b::/96) of 10.0.0.1, a private address (10.0.0.0/8)")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address (2001::/32)")]
    public async Task A_delivery_to_a_refused_address_is_dead_at_once_with_the_reason(string url, string address, string what)
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new() { ["App:Webhooks:AllowLoopback"] = "false" });
        var endpoint = await CreatedBeforeAsync(hooks, url);

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 1 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Dead);

        Assert.Equal(1, job.Attempt);
        var error = Assert.Single(job.Errors).Error;
        Assert.Contains($"resolves to {address}", error);
        Assert.Contains(what, error);
        Assert.Equal("failed", (await hooks.DeliveryAsync(published.MessageId, endpoint.EndpointId)).Status);
        Assert.Equal("blocked", await _schema.ScalarAsync<string>("select outcome from {app}.webhook_attempt"));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_loopback_receiver_is_never_reached_when_loopback_is_not_allowed(string host)
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new() { ["App:Webhooks:AllowLoopback"] = "false" });
        var hostPart = host.Contains(':') ? $"[{host}]" : host;
        await CreatedBeforeAsync(hooks, $"http://{hostPart}:{hooks.Sandbox.BaseUri.Port}/receiver/internal");

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 2 });
        var job = await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Dead);

        Assert.Contains("a loopback address", Assert.Single(job.Errors).Error);
        // The receiver listens there: refused before connecting, it saw nothing.
        Assert.Empty(hooks.Receiver.Received("internal"));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local address")]
    [InlineData("http://[64:ff9b::a00:1]/hook", "a NAT64 address (64:ff9b::/96) of 10.0.0.1, a private address (10.0.0.0/8)")]
    [InlineData("http://localhost/hook", "127.0.0.1, a loopback address")]
    public async Task An_endpoint_is_refused_at_creation_and_on_edit_when_its_address_is_refused_naming_why(string url, string what)
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new() { ["App:Webhooks:AllowLoopback"] = "false" });

        var created = await Assert.ThrowsAsync<ArgumentException>(() => hooks.Endpoints.CreateAsync(url));
        var endpoint = await hooks.Endpoints.CreateAsync("https://93.184.215.14/hook");
        var edited = await Assert.ThrowsAsync<ArgumentException>(() => hooks.Endpoints.UpdateAsync(endpoint.EndpointId, url: url));

        Assert.Equal("url", created.ParamName);
        Assert.Contains(what, created.Message);
        Assert.Contains(what, edited.Message);
        Assert.Equal("https://93.184.215.14/hook", (await hooks.Endpoints.GetAsync(endpoint.EndpointId))!.Url);
        Assert.Equal(1, await _schema.ScalarAsync<long>("select count(*) from {app}.webhook_endpoint"));
    }

    /// <summary>
    /// An endpoint whose URL reaches a refused address now, although it did not when it was made (its
    /// DNS record changed, or it predates the check at creation): the check at each delivery catches it.
    /// </summary>
    private async Task<Jobs.Webhooks.WebhookSecretIssued> CreatedBeforeAsync(WebhookHarness hooks, string url)
    {
        var endpoint = await hooks.Endpoints.CreateAsync("https://93.184.215.14/hook");
        await _schema.ExecuteAsync("update {app}.webhook_endpoint set url = @url where id = @id", new { url, id = endpoint.EndpointId });
        return endpoint;
    }

    [Fact]
    public async Task A_network_on_the_allow_list_is_reached()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema, new()
        {
            ["App:Webhooks:AllowLoopback"] = "false",
            ["App:Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
        });
        await hooks.Endpoints.CreateAsync($"http://[::ffff:127.0.0.1]:{hooks.Sandbox.BaseUri.Port}/receiver/allowed");

        var published = await hooks.Publisher.PublishAsync("invoice.paid", new { InvoiceId = 3 });
        await hooks.FinishedAsync(published.Deliveries[0].JobId, JobState.Succeeded);

        Assert.Single(hooks.Receiver.Received("allowed"));
    }
}
