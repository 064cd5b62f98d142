using System.Net;
using Microsoft.Extensions.Logging;

namespace Jobs.Dashboard.Tests.Security;

/// <summary>
/// The data protection key ring lives in the database, encrypted: a second dashboard instance (or the
/// same one after a restart) accepts the cookies and forms the first one issued.
/// </summary>
public sealed class KeyRingTests : IAsyncLifetime
{
    private KestrelDashboard _first = null!;

    public async Task InitializeAsync()
    {
        _first = await KestrelDashboard.StartAsync();
        await _first.CreateOperatorAsync("admin");
    }

    public async Task DisposeAsync() => await _first.DisposeAsync();

    [Fact]
    public async Task A_second_instance_on_the_database_accepts_the_first_ones_session_and_form_tokens()
    {
        using var browser = _first.BehindTlsProxy();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("admin", KestrelDashboard.Password)).StatusCode);
        var token = await DashboardForms.TokenAsync(browser.Http, "/logout");

        await using var second = await KestrelDashboard.StartAsync(sharing: _first);
        using var elsewhere = second.BehindTlsProxy();
        foreach (var (name, value) in browser.Cookies)
        {
            elsewhere.Cookies[name] = value;
        }

        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/")).StatusCode);
        // The antiforgery token the first instance put in its form passes the second's check.
        var signOut = await DashboardForms.PostAsync(elsewhere.Http, "/logout", token);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("signed out", await _first.Schema.ScalarAsync<string>("select end_reason from {ops}.operator_session"));
    }

    [Fact]
    public async Task The_stored_keys_hold_no_key_material_in_the_clear()
    {
        using var browser = _first.BehindTlsProxy();
        await browser.SignInAsync("admin", KestrelDashboard.Password);

        var rows = await _first.Schema.QueryAsync<string>("select xml from {ops}.data_protection_key");
        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
        // The key ring is first read after the schema exists: no start-up warning about loading it.
        Assert.DoesNotContain(_first.Logs.Lines, l => l.Category.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) && l.Level >= LogLevel.Warning);
    }
}
