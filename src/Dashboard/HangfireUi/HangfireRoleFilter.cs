using System.Security.Claims;
using Hangfire.Dashboard;
using Jobs.Dashboard.Ui;
using Jobs.Operators;

namespace Jobs.Dashboard.HangfireUi;

/// <summary>
/// The host's roles inside the Hangfire Dashboard: any signed-in operator reads; only operators and
/// admins post commands. Hangfire itself answers a read-only user's command with 401; this filter
/// refuses it first, so a forged post from a viewer is a 403 (signed in, not allowed), like on the
/// native pages. The statistics poll (<c>/stats</c>) is a post that only reads, and stays open.
/// </summary>
internal sealed class HangfireRoleFilter : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true || user.FindFirst(OperatorSession.AccountIdClaim) is null)
        {
            return Task.FromResult(false);
        }
        var readsOnly = !HttpMethods.IsPost(http.Request.Method) || IsStatsPoll(context.Request.Path);
        return Task.FromResult(readsOnly || MayAct(user));
    }

    /// <summary>Operators and admins requeue, delete and trigger.</summary>
    public static bool MayAct(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && OperatorSession.RoleOf(user) is OperatorRole.Operator or OperatorRole.Admin;

    private static bool IsStatsPoll(string path) => string.Equals(path, "/stats", StringComparison.OrdinalIgnoreCase);
}
