using System.Globalization;
using System.Security.Claims;
using Jobs.Dashboard.Security;
using Jobs.Engine.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// An operator's signed-in session: the cookie's claims, and a check at each request that the
/// account still exists, is not disabled and has the same role (one primary-key read), so that
/// disabling an account or changing its role takes effect at once rather than when the cookie expires.
/// </summary>
public static class OperatorSession
{
    /// <summary>The claim holding the account id.</summary>
    public const string AccountIdClaim = "jobs_operator";

    /// <summary>The principal of a signed-in operator.</summary>
    public static ClaimsPrincipal Principal(OperatorAccount account) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, account.Username),
        new Claim(AccountIdClaim, account.Id.ToString(CultureInfo.InvariantCulture)),
        new Claim(DashboardPolicies.RoleClaim, account.Role.ToString().ToLowerInvariant()),
    ], DashboardPolicies.CookieScheme));

    /// <summary>The role of the signed-in operator; viewer when unknown.</summary>
    public static OperatorRole RoleOf(ClaimsPrincipal user) =>
        Enum.TryParse<OperatorRole>(user.FindFirst(DashboardPolicies.RoleClaim)?.Value, ignoreCase: true, out var role) ? role : OperatorRole.Viewer;

    /// <summary>Checks the cookie's account at each request: gone or disabled signs out; a changed role applies now.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirst(AccountIdClaim)?.Value;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<OperatorAccounts>();
        var account = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var accountId)
            ? await accounts.GetAsync(accountId, context.HttpContext.RequestAborted)
            : null;
        if (account is null || account.DisabledAt is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(DashboardPolicies.CookieScheme);
            return;
        }
        if (RoleOf(context.Principal!) != account.Role || context.Principal!.Identity?.Name != account.Username)
        {
            context.ReplacePrincipal(Principal(account));
            context.ShouldRenew = true;
        }
    }
}
