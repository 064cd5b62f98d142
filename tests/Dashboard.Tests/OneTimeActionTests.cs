using System.Net;
using System.Text.RegularExpressions;
using Jobs.Dashboard.Tests.Api;
using Jobs.Operators;
using Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// One-time actions on the pages answer with a redirect and show what they made once: a repeated
/// post (double click, reload of the post) or a reload of the page never acts again or shows it again.
/// </summary>
public sealed partial class OneTimeActionTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _admin = null!;

    [GeneratedRegex("whsec_[A-Za-z0-9+/=]+")]
    private static partial Regex WebhookSecret();

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _admin = await _host.OperatorAsync(OperatorRole.Admin, "ada");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private Task<long> AuditedAsync(string action) =>
        _host.Schema.ScalarAsync<long>("select count(*) from {ops}.audit where action = @action", new { action });

    [Fact]
    public async Task Rotating_a_secret_twice_with_one_form_rotates_once_and_a_reload_shows_the_secret_no_more()
    {
        var endpoint = await _host.Services.GetRequiredService<WebhookEndpoints>().CreateAsync("https://93.184.215.14/hooks");
        var page = $"/webhooks/endpoints/{endpoint.EndpointId}";
        var html = await _admin.GetStringAsync(page);
        (string, string)[] form = [("__once", DashboardForms.OnceIn(html)), ("id", endpoint.EndpointId.ToString(System.Globalization.CultureInfo.InvariantCulture))];

        var first = await DashboardForms.PostAsync(_admin, page + "?handler=Rotate", DashboardForms.TokenIn(html), form);
        var stored = await _host.Schema.ScalarAsync<byte[]>("select secret from {app}.webhook_endpoint");
        var second = await DashboardForms.PostAsync(_admin, page + "?handler=Rotate", DashboardForms.TokenIn(html), form);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(stored, await _host.Schema.ScalarAsync<byte[]>("select secret from {app}.webhook_endpoint"));
        Assert.Equal(1, await AuditedAsync("webhooks.rotate_secret"));
        var shown = await _admin.GetStringAsync(first.Headers.Location!.OriginalString);
        var secret = WebhookSecret().Match(shown).Value;
        Assert.StartsWith("whsec_", secret);
        Assert.NotEqual(endpoint.Secret, secret);
        var reloaded = await _admin.GetStringAsync(first.Headers.Location!.OriginalString);
        Assert.DoesNotContain("whsec_", reloaded);
        Assert.Contains("shown once already", reloaded);
        Assert.Equal(1, await AuditedAsync("webhooks.rotate_secret"));
    }

    [Fact]
    public async Task Creating_an_api_key_twice_with_one_form_makes_one_key()
    {
        var html = await _admin.GetStringAsync("/admin/api-keys");
        (string, string)[] form = [("__once", DashboardForms.OnceIn(html)), ("name", "billing"), ("role", "producer")];

        var first = await DashboardForms.PostAsync(_admin, "/admin/api-keys?handler=Create", DashboardForms.TokenIn(html), form);
        var second = await DashboardForms.PostAsync(_admin, "/admin/api-keys?handler=Create", DashboardForms.TokenIn(html), form);

        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Single(await _host.Services.GetRequiredService<ApiKeys>().ListAsync(), k => k.Name == "billing");
        var key = Regex.Match(await _admin.GetStringAsync(first.Headers.Location!.OriginalString), "id=\"issued-key\">([^<]+)<").Groups[1].Value;
        Assert.NotNull(await _host.Services.GetRequiredService<ApiKeys>().AuthenticateAsync(key));
    }

    [Fact]
    public async Task A_form_without_its_token_or_of_another_session_does_nothing()
    {
        var html = await _admin.GetStringAsync("/admin/api-keys");
        using var other = await _host.OperatorAsync(OperatorRole.Admin, "bob");
        var otherHtml = await other.GetStringAsync("/admin/api-keys");

        var missing = await DashboardForms.PostAsync(_admin, "/admin/api-keys?handler=Create", DashboardForms.TokenIn(html), ("name", "a"), ("role", "producer"));
        var foreign = await DashboardForms.PostAsync(other, "/admin/api-keys?handler=Create", DashboardForms.TokenIn(otherHtml),
            ("__once", DashboardForms.OnceIn(html)), ("name", "b"), ("role", "producer"));

        Assert.Equal(HttpStatusCode.Redirect, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, foreign.StatusCode);
        Assert.Contains("sent already or has expired", await _admin.GetStringAsync(missing.Headers.Location!.OriginalString));
        Assert.Empty(await _host.Services.GetRequiredService<ApiKeys>().ListAsync());
    }

    [Fact]
    public async Task Resetting_a_password_shows_it_once_to_the_admin_who_reset_it()
    {
        using var _ = await _host.OperatorAsync(OperatorRole.Viewer, "vera");
        var vera = (await _host.Services.GetRequiredService<OperatorAccounts>().FindAsync("vera"))!;

        var reset = await DashboardForms.PostOnceAsync(_admin, "/admin/operators", "/admin/operators?handler=Reset",
            ("id", vera.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var other = await _host.OperatorAsync(OperatorRole.Admin, "bob");
        var elsewhere = await other.GetStringAsync(reset.Headers.Location!.OriginalString);
        var shown = await _admin.GetStringAsync(reset.Headers.Location!.OriginalString);

        Assert.DoesNotContain("issued-password", elsewhere);
        var password = Regex.Match(shown, "id=\"issued-password\">([^<]+)<").Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardForms.SignInAsync(_host.Anonymous(), "vera", password)).StatusCode);
        Assert.DoesNotContain(password, await _admin.GetStringAsync(reset.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task The_endpoint_page_creates_an_endpoint_and_names_why_the_ssrf_guard_refuses_a_url()
    {
        var refused = await DashboardForms.PostOnceAsync(_admin, "/webhooks/endpoints", "/webhooks/endpoints?handler=Create",
            ("url", "http://169.254.169.254/latest/meta-data/"), ("description", ""), ("eventTypes", ""));
        var refusal = await _admin.GetStringAsync(refused.Headers.Location!.OriginalString);
        var created = await DashboardForms.PostOnceAsync(_admin, "/webhooks/endpoints", "/webhooks/endpoints?handler=Create",
            ("url", "https://93.184.215.14/orders"), ("description", "orders"), ("eventTypes", "order.created, order.paid"));

        Assert.Contains("169.254.169.254, a link-local address", refusal);
        var shown = await _admin.GetStringAsync(created.Headers.Location!.OriginalString);
        Assert.Matches("Created endpoint #[0-9]+", shown);
        Assert.Matches(WebhookSecret(), shown);
        var endpoint = Assert.Single(await _host.Services.GetRequiredService<WebhookEndpoints>().ListAsync());
        Assert.Equal(["order.created", "order.paid"], endpoint.EventTypes!);
        Assert.Equal("orders", endpoint.Description);
    }
}
