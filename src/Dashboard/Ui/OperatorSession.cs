using System.Security.Claims;
using Jobs.Dashboard.Security;
using Jobs.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// An operator's signed-in session: the cookie's claims name a session kept on the server
/// (<see cref="OperatorSessions"/>), and each request looks it up with its account (one indexed
/// read), so that signing out, disabling the account or changing its password ends the session at
/// once, a copied cookie included, and a changed role applies at the next request.
/// </summary>
public static class OperatorSession
{
    /// <summary>The claim holding the account id.</summary>
    public const string AccountIdClaim = "jobs_operator";

    /// <summary>The claim holding the session's token.</summary>
    public const string SessionClaim = "jobs_session";

    /// <summary>The principal of a signed-in operator in the session of <paramref name="token"/>.</summary>
    public static ClaimsPrincipal Principal(OperatorAccount account, string token) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, account.Username),
        new Claim(AccountIdClaim, account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new Claim(DashboardPolicies.RoleClaim, account.Role.ToString().ToLowerInvariant()),
        new Claim(SessionClaim, token),
    ], DashboardPolicies.CookieScheme));

    /// <summary>The role of the signed-in operator; viewer when unknown.</summary>
    public static OperatorRole RoleOf(ClaimsPrincipal user) =>
        Enum.TryParse<OperatorRole>(user.FindFirst(DashboardPolicies.RoleClaim)?.Value, ignoreCase: true, out var role) ? role : OperatorRole.Viewer;

    /// <summary>The session token of the signed-in operator, if any.</summary>
    public static string? TokenOf(ClaimsPrincipal user) => user.FindFirst(SessionClaim)?.Value;

    /// <summary>
    /// Checks the cookie's session at each request: ended, idle past <see cref="DashboardOptions.SessionLifetime"/>,
    /// unknown (a cookie from before sessions were kept) or of a disabled account signs out; a changed role or name applies now.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var token = context.Principal is { } principal ? TokenOf(principal) : null;
        var session = token is null ? null : await services.GetRequiredService<OperatorSessions>().FindAsync(token,
            services.GetRequiredService<IOptions<DashboardOptions>>().Value.SessionLifetime, context.HttpContext.RequestAborted);
        if (session is null || session.Account.DisabledAt is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(DashboardPolicies.CookieScheme);
            return;
        }
        var account = session.Account;
        if (RoleOf(context.Principal!) != account.Role || context.Principal!.Identity?.Name != account.Username)
        {
            context.ReplacePrincipal(Principal(account, token!));
            context.ShouldRenew = true;
        }
    }
}
