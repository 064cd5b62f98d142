using System.Security.Claims;
using Jobs.Operators;

namespace Jobs.Dashboard.Security;

/// <summary>Who is acting, for the audit log.</summary>
public static class Actor
{
    /// <summary>An audit entry for an action of the current principal (an operator or an API key).</summary>
    public static AuditEntry Audit(this ClaimsPrincipal user, string action, string? target, long? jobCount = null, object? details = null) =>
        new(user.Identity?.Name ?? "anonymous",
            user.HasClaim(c => c.Type == DashboardPolicies.ApiKeyIdClaim) ? "api_key" : "operator",
            action, target, jobCount, details);
}
