using System.Net;
using Jobs.Operators;

namespace Jobs.Dashboard.Tests.Security;

/// <summary>Sessions live on the server: ending one there ends every copy of its cookie.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private KestrelDashboard _host = null!;

    public async Task InitializeAsync()
    {
        _host = await KestrelDashboard.StartAsync(new Dictionary<string, string> { ["Dashboard:SessionLifetime"] = "01:00:00" });
        await _host.CreateOperatorAsync("admin");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Browser> SignedInAsync(string username)
    {
        var browser = _host.BehindTlsProxy();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(username, KestrelDashboard.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        return browser;
    }

    /// <summary>Another browser holding a copy of the session cookie, as a thief would.</summary>
    private Browser CopyOf(Browser browser)
    {
        var copy = _host.BehindTlsProxy("198.51.100.66");
        foreach (var (name, value) in browser.Cookies.Where(c => c.Key.StartsWith("jobs.session", StringComparison.Ordinal)))
        {
            copy.Cookies[name] = value;
        }
        return copy;
    }

    private static async Task AssertSignedOutAsync(Browser browser)
    {
        var response = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
    }

    private async Task<HttpResponseMessage> AdminPostsAsync(Browser admin, string handler, long id) =>
        await DashboardForms.PostOnceAsync(admin.Http, "/admin/operators", $"/admin/operators?handler={handler}", ("id", id.ToString()));

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_copied_cookie_stops_working()
    {
        using var browser = await SignedInAsync("admin");
        using var thief = CopyOf(browser);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/")).StatusCode);

        var signOut = await DashboardForms.PostAsync(browser.Http, "/logout", await DashboardForms.TokenAsync(browser.Http, "/logout"));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        await AssertSignedOutAsync(thief);
        await AssertSignedOutAsync(browser);
        Assert.Equal("signed out", await _host.Schema.ScalarAsync<string>("select end_reason from {ops}.operator_session"));
        // Signing in again starts a new session; the old one stays ended.
        using var again = await SignedInAsync("admin");
        await AssertSignedOutAsync(thief);
    }

    [Fact]
    public async Task A_password_reset_or_disabling_the_account_ends_its_sessions_and_enabling_it_does_not_revive_them()
    {
        var olgaId = await _host.CreateOperatorAsync("olga", OperatorRole.Operator);
        var veraId = await _host.CreateOperatorAsync("vera", OperatorRole.Viewer);
        using var admin = await SignedInAsync("admin");
        using var olga = await SignedInAsync("olga");
        using var olgaElsewhere = await SignedInAsync("olga");
        using var vera = await SignedInAsync("vera");

        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostsAsync(admin, "Reset", olgaId)).StatusCode);
        await AssertSignedOutAsync(olga);
        await AssertSignedOutAsync(olgaElsewhere);

        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostsAsync(admin, "Disable", veraId)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostsAsync(admin, "Enable", veraId)).StatusCode);
        await AssertSignedOutAsync(vera);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
        Assert.Equal(["disabled", "password changed", "password changed"],
            (await _host.Schema.QueryAsync<string>("select end_reason from {ops}.operator_session where end_reason is not null order by end_reason")).ToList());
    }

    [Fact]
    public async Task A_session_in_use_stays_open_and_one_unused_for_the_session_lifetime_ends()
    {
        using var browser = await SignedInAsync("admin");

        // Used every 40 minutes: each use is recorded, so the one-hour idle limit is never reached.
        for (var i = 0; i < 3; i++)
        {
            _host.Time.Advance(TimeSpan.FromMinutes(40));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        }
        Assert.Equal(1L, await _host.Schema.ScalarAsync<long>("select count(*) from {ops}.operator_session where ended_at is null"));

        _host.Time.Advance(TimeSpan.FromMinutes(61));

        await AssertSignedOutAsync(browser);
    }
}
