using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.Extensions.Options;

namespace Jobs.Tests.Webhooks;

/// <summary>Creating endpoints, secrets at rest, and the options the worker checks at start.</summary>
public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync();

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Theory]
    [InlineData("ftp://example.com/hook", "'ftp'")]
    [InlineData("file:///etc/passwd", "'file'")]
    [InlineData("gopher://127.0.0.1:6379/_FLUSHALL", "'gopher'")]
    [InlineData("example.com/hook", "not an absolute URL")]
    public async Task An_endpoint_url_that_is_not_http_or_https_is_refused_at_creation(string url, string named)
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => hooks.Endpoints.CreateAsync(url));

        Assert.Equal("url", error.ParamName);
        Assert.Contains("must be an absolute http:// or https:// URL", error.Message);
        Assert.Contains(named, error.Message);
        Assert.Empty(await hooks.Endpoints.ListAsync());
    }

    [Fact]
    public async Task Secrets_are_stored_encrypted_and_a_given_secret_must_be_well_formed()
    {
        await using var hooks = await WebhookHarness.StartAsync(_schema);
        var created = await hooks.Endpoints.CreateAsync("https://example.com/hooks", description: "shop");
        var rotated = await hooks.Endpoints.RotateSecretAsync(created.EndpointId);

        var stored = await _schema.QueryAsync<(byte[] Secret, byte[] Previous)>("select secret, previous_secret from {app}.webhook_endpoint");
        var row = Assert.Single(stored);
        foreach (var secret in new[] { created.Secret, rotated.Secret })
        {
            Assert.StartsWith("whsec_", secret);
            Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
            Assert.DoesNotContain(secret["whsec_".Length..], Convert.ToBase64String(row.Secret) + Convert.ToBase64String(row.Previous));
            Assert.DoesNotContain(secret, System.Text.Encoding.Latin1.GetString(row.Secret) + System.Text.Encoding.Latin1.GetString(row.Previous));
        }
        Assert.DoesNotContain(created.Secret, created.ToString());
        var endpoint = (await hooks.Endpoints.GetAsync(created.EndpointId))!;
        Assert.InRange(endpoint.PreviousSecretExpiresAt!.Value, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => hooks.Endpoints.CreateAsync("https://example.com/x", secret: "hunter2"));
        Assert.DoesNotContain("hunter2", bad.Message);
    }

    [Theory]
    [InlineData(null, "App:Webhooks:SecretKey is required")]
    [InlineData("c2hvcnQ=", "App:Webhooks:SecretKey must be the base64 of exactly 32 bytes")]
    public async Task A_worker_without_a_valid_secret_key_does_not_start(string? key, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var engine = await BusinessEngine.StartAsync(_schema, new Dictionary<string, string?> { ["App:Webhooks:SecretKey"] = key });
        });

        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("c2hvcnQ=", error.Message);
    }

    [Fact]
    public async Task A_worker_with_an_allowed_network_that_does_not_parse_does_not_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var engine = await BusinessEngine.StartAsync(_schema, new Dictionary<string, string?> { ["App:Webhooks:AllowedNetworks:0"] = "10.0.0.0/33" });
        });

        Assert.Contains("'10.0.0.0/33' is not a network in CIDR notation", error.Message);
    }
}
