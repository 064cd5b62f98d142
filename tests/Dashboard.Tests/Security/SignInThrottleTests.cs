using System.Net;
using Jobs.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Dashboard.Tests.Security;

/// <summary>
/// Password guessing is throttled by client address and by username (429 with Retry-After), and the
/// lock cannot be turned against the real operator: a browser that signed in as the user before
/// holds a device cookie and signs in while the attack goes on. The clock is moved, never waited on.
/// </summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private const string Attacker = "198.51.100.7";
    private KestrelDashboard _host = null!;

    public async Task InitializeAsync()
    {
        _host = await KestrelDashboard.StartAsync();
        await _host.CreateOperatorAsync("admin");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>The admin's own browser: it signed in once (and so holds a device cookie), then signed out.</summary>
    private async Task<Browser> AdminsBrowserAsync(string address = "203.0.113.10")
    {
        var browser = _host.BehindTlsProxy(address);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("admin", KestrelDashboard.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardForms.PostAsync(browser.Http, "/logout", await DashboardForms.TokenAsync(browser.Http, "/logout"))).StatusCode);
        Assert.Contains("jobs.device", browser.Cookies.Keys);
        return browser;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(Pages.LoginModel.Refused), await response.Content.ReadAsStringAsync());
    }

    private static async Task<int> AssertThrottledAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(WebUtility.HtmlEncode(Pages.LoginModel.Throttled), page);
        Assert.Contains("Try again in ", page);
        Assert.Contains("name=\"password\"", page); // the form, readable, not an empty answer
        return retryAfter;
    }

    [Fact]
    public async Task Guesses_at_a_username_are_throttled_from_every_address_while_the_admins_own_browser_still_signs_in()
    {
        using var admin = await AdminsBrowserAsync();
        using var attacker = _host.BehindTlsProxy(Attacker);
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(await attacker.SignInAsync("admin", "guess-" + i));
        }

        // The username is locked for browsers without its device cookie: even the right password gets
        // no answer, from this address or any other (a distributed attack), for the lockout's 15 minutes.
        var retryAfter = await AssertThrottledAsync(await attacker.SignInAsync("admin", KestrelDashboard.Password));
        using var elsewhere = _host.BehindTlsProxy("192.0.2.99");
        await AssertThrottledAsync(await elsewhere.SignInAsync("admin", "guess-from-elsewhere"));
        Assert.InRange(retryAfter, 14 * 60, 15 * 60);
        Assert.Contains(await _host.Services.GetRequiredService<AuditLog>().ListAsync(), e => e.Action == "operators.locked" && e.Target == "admin");

        // The admin's browser signs in meanwhile, and its success does not give the attacker new guesses.
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin", KestrelDashboard.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
        await AssertThrottledAsync(await attacker.SignInAsync("admin", "guess-after-the-admin"));

        // An unknown username locks the same way, so a lock tells nothing about which accounts exist.
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(await elsewhere.SignInAsync("nobody", "guess-" + i));
        }
        await AssertThrottledAsync(await elsewhere.SignInAsync("nobody", "guess-5"));

        _host.Time.Advance(TimeSpan.FromMinutes(15));
        await AssertRefusedAsync(await attacker.SignInAsync("admin", "guess-after-the-lockout"));

        var locks = Warnings(6003);
        Assert.Equal(2, locks.Count);
        Assert.StartsWith("Sign-in as \"admin\" is locked until ", locks[0]); // Serilog renders text values quoted
        Assert.DoesNotContain("nobody", locks[1]); // a typed name that is no account may be a misplaced password
    }

    private List<string> Warnings(int eventId) =>
        _host.Logs.Lines.Where(l => l.EventId.Id == eventId && l.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.Message).ToList();

    [Fact]
    public async Task Guesses_from_one_address_are_throttled_whatever_the_usernames_and_other_addresses_are_not()
    {
        await _host.CreateOperatorAsync("olga", OperatorRole.Operator);
        using var admin = await AdminsBrowserAsync(Attacker); // the admin shares the attacker's address (one office, one NAT)
        using var attacker = _host.BehindTlsProxy(Attacker);
        for (var i = 0; i < 10; i++)
        {
            await AssertRefusedAsync(await attacker.SignInAsync("user" + i, "guess"));
        }

        var retryAfter = await AssertThrottledAsync(await attacker.SignInAsync("olga", KestrelDashboard.Password));
        using var neighbour = _host.BehindTlsProxy("198.51.100.8");

        Assert.InRange(retryAfter, 4 * 60, 5 * 60);
        Assert.Equal(HttpStatusCode.Redirect, (await neighbour.SignInAsync("olga", KestrelDashboard.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin", KestrelDashboard.Password)).StatusCode);
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await AssertRefusedAsync(await attacker.SignInAsync("user10", "guess"));
        Assert.StartsWith($"Sign-in from \"client:{Attacker}\" is locked until ", Assert.Single(Warnings(6002)));
    }

    [Fact]
    public async Task An_ipv6_client_is_counted_by_its_64_so_new_addresses_of_one_network_do_not_escape()
    {
        for (var i = 0; i < 10; i++)
        {
            using var attacker = _host.BehindTlsProxy($"2001:db8:7:7::{i + 1:x}");
            await AssertRefusedAsync(await attacker.SignInAsync("user" + i, "guess"));
        }

        using var sameNetwork = _host.BehindTlsProxy("2001:db8:7:7:ffff::1");
        using var otherNetwork = _host.BehindTlsProxy("2001:db8:7:8::1");

        await AssertThrottledAsync(await sameNetwork.SignInAsync("user10", "guess"));
        await AssertRefusedAsync(await otherNetwork.SignInAsync("user10", "guess"));
    }

    [Fact]
    public async Task A_trusted_browser_that_keeps_failing_loses_its_exemption()
    {
        using var browser = await AdminsBrowserAsync();
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(await browser.SignInAsync("admin", "typo-" + i));
        }
        // Its device is locked now: it counts as any browser, whose failures lock the username.
        for (var i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(await browser.SignInAsync("admin", "guess-" + i));
        }

        await AssertThrottledAsync(await browser.SignInAsync("admin", KestrelDashboard.Password));
    }

    [Fact]
    public async Task X_forwarded_for_from_a_peer_that_is_no_known_proxy_does_not_escape_the_address_throttle()
    {
        await using var host = await KestrelDashboard.StartAsync(new Dictionary<string, string>
        {
            ["Dashboard:ForwardedHeaders:KnownProxies:0"] = "10.20.30.40",
            ["Dashboard:SecureCookies"] = "false",
        });
        for (var i = 0; i < 10; i++)
        {
            // A new made-up address each time: ignored, the socket's 127.0.0.1 counts.
            using var spoofing = host.Browser($"192.0.2.{i + 1}");
            await AssertRefusedAsync(await spoofing.SignInAsync("user" + i, "guess"));
        }

        using var last = host.Browser("192.0.2.200");
        await AssertThrottledAsync(await last.SignInAsync("user10", "guess"));
    }
}
