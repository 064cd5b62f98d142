using System.Net;
using System.Text.Json;
using Jobs.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Security;

/// <summary>A forged Host header never comes back in a redirect; AllowedHosts refuses it outright.</summary>
public sealed class HostHeaderTests
{
    private const string Forged = "evil.example";

    private static void AssertRelative(HttpResponseMessage response, string expected)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.False(response.Headers.Location.IsAbsoluteUri, $"absolute redirect: {location}");
        Assert.DoesNotContain(Forged, location, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(expected, location);
    }

    [Fact]
    public async Task Every_redirect_of_the_dashboard_is_relative_whatever_the_host_header_says()
    {
        await using var host = await KestrelDashboard.StartAsync();
        await host.CreateOperatorAsync("admin");
        using var browser = host.BehindTlsProxy();
        browser.Host = Forged;

        // The cookie handler's way to the sign-in page, for a page and for a deep link with a query.
        AssertRelative(await browser.GetAsync("/"), "/login?ReturnUrl=%2F");
        AssertRelative(await browser.GetAsync("/jobs?state=dead"), "/login?ReturnUrl=%2Fjobs%3Fstate%3Ddead");

        // After sign-in: the return address when it is local, else the overview.
        var token = await DashboardForms.TokenAsync(browser.Http, "/login");
        AssertRelative(await DashboardForms.PostAsync(browser.Http, "/login", token,
            ("username", "admin"), ("password", KestrelDashboard.Password), ("returnUrl", $"https://{Forged}/jobs")), "/");
        AssertRelative(await browser.GetAsync("/login?returnUrl=%2F%2Fevil.example%2Fx"), "/");
        AssertRelative(await browser.GetAsync("/login?returnUrl=%2Fqueues"), "/queues");

        // A page's own redirect after an action, and sign-out (also with a return address in the query).
        var pause = await DashboardForms.PostAsync(browser.Http, "/queues?handler=Pause", await DashboardForms.TokenAsync(browser.Http, "/queues"), ("queue", "default"));
        AssertRelative(pause, "/queues?handler=Pause");
        var signOut = await DashboardForms.PostAsync(browser.Http, $"/logout?ReturnUrl=https%3A%2F%2F{Forged}%2F", await DashboardForms.TokenAsync(browser.Http, "/logout"));
        AssertRelative(signOut, "/login");
    }

    [Fact]
    public async Task The_openapi_document_names_no_host_the_request_chose()
    {
        await using var host = await KestrelDashboard.StartAsync();
        var key = await host.Services.GetRequiredService<ApiKeys>().CreateAsync("docs", ApiKeyRole.Producer, null, null, "test");
        using var browser = host.Browser();
        browser.Host = Forged;
        browser.Http.DefaultRequestHeaders.Authorization = new("Bearer", key.Key);

        var response = await browser.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Forged, document);
        Assert.Equal("/", JsonDocument.Parse(document).RootElement.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task With_allowed_hosts_configured_a_forged_host_is_refused()
    {
        await using var host = await KestrelDashboard.StartAsync(new Dictionary<string, string> { ["AllowedHosts"] = "jobs.example.com;127.0.0.1" });
        using var forged = host.BehindTlsProxy();
        forged.Host = Forged;
        using var proper = host.BehindTlsProxy();
        proper.Host = "jobs.example.com";

        var refused = await forged.GetAsync("/login");
        var served = await proper.GetAsync("/login");
        var probe = await host.Browser().GetAsync("/health/live"); // the container's health check: Host 127.0.0.1

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain(Forged, await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }
}
