using System.Net;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests.Security;

/// <summary>
/// Sign-in behind a TLS-terminating proxy with the production default <c>Dashboard:SecureCookies=true</c>:
/// Kestrel speaks plain HTTP, the proxy says <c>X-Forwarded-Proto: https</c>.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task Behind_a_tls_proxy_on_loopback_an_operator_signs_in_and_every_cookie_is_secure()
    {
        await using var host = await KestrelDashboard.StartAsync();
        await host.CreateOperatorAsync("admin");
        using var browser = host.BehindTlsProxy();

        var form = await browser.GetAsync("/login");
        var signIn = await browser.SignInAsync("admin", KestrelDashboard.Password);
        var overview = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains("Sign out", await overview.Content.ReadAsStringAsync());
        Assert.Contains("jobs.session", browser.SetCookies.Keys);
        Assert.Contains("jobs.antiforgery", browser.SetCookies.Keys);
        Assert.All(browser.SetCookies.Values, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
        Assert.True(overview.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_no_known_proxy_are_ignored()
    {
        await using var host = await KestrelDashboard.StartAsync(new Dictionary<string, string> { ["Dashboard:ForwardedHeaders:KnownProxies:0"] = "10.20.30.40" });
        await host.CreateOperatorAsync("admin");
        using var browser = host.BehindTlsProxy(); // but Kestrel's peer, 127.0.0.1, is not 10.20.30.40

        var form = await browser.GetAsync("/login");
        var post = await DashboardForms.PostAsync(browser.Http, "/login", "no-token", ("username", "admin"), ("password", KestrelDashboard.Password));

        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        var page = await form.Content.ReadAsStringAsync();
        Assert.Contains("Dashboard:SecureCookies is true, so the dashboard", page);
        Assert.Contains("X-Forwarded-Proto: https</code> from 127.0.0.1, which is not a known proxy", page);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Empty(browser.SetCookies);
    }

    [Fact]
    public async Task Over_plain_http_with_secure_cookies_pages_answer_400_naming_the_setting_instead_of_500()
    {
        await using var host = await KestrelDashboard.StartAsync();
        await host.CreateOperatorAsync("admin");
        using var browser = host.Browser();

        var form = await browser.GetAsync("/login");
        var post = await DashboardForms.PostAsync(browser.Http, "/login", "no-token", ("username", "admin"), ("password", KestrelDashboard.Password));
        var health = await browser.GetAsync("/health/live");
        var css = await browser.GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType!.MediaType);
        var page = await form.Content.ReadAsStringAsync();
        Assert.Contains("This dashboard needs HTTPS", page);
        Assert.Contains("Dashboard:SecureCookies", page);
        Assert.Contains("Dashboard:ForwardedHeaders:KnownProxies", page);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("Dashboard:SecureCookies", await post.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
    }

    [Fact]
    public async Task A_proxy_setting_that_is_no_address_stops_the_dashboard_naming_the_key()
    {
        await using var schema = await TestSchema.CreateAsync(migrate: false);
        using var dashboard = HostProcess.StartDashboard(schema, new Dictionary<string, string>
        {
            ["Dashboard__ForwardedHeaders__KnownProxies__0"] = "10.0.0.300",
            ["Dashboard__ForwardedHeaders__KnownNetworks__0"] = "172.16.0.0",
        });

        var exitCode = await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"exit code {exitCode}; output:\n{dashboard.Output}");
        Assert.Contains("Dashboard:ForwardedHeaders:KnownProxies:0 ('10.0.0.300') must be an IP address", dashboard.Output);
        Assert.Contains("Dashboard:ForwardedHeaders:KnownNetworks:0 ('172.16.0.0') must be a network in CIDR notation", dashboard.Output);
    }
}
