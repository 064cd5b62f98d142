using Jobs.Operators;
using Microsoft.AspNetCore.Authorization;

namespace Jobs.Dashboard.Security;

/// <summary>
/// Who may do what. Operators sign in with a cookie and carry a role claim (viewer, operator,
/// admin; each includes the ones before). Applications use API keys (scheme <see cref="ApiKeyScheme"/>)
/// with a role (producer, operator) and a scope of kinds and queues.
/// </summary>
public static class DashboardPolicies
{
    /// <summary>Any signed-in operator: read every page.</summary>
    public const string Viewer = "viewer";

    /// <summary>Operators and admins: retry, requeue, cancel, delete, trigger, pause.</summary>
    public const string Operator = "operator";

    /// <summary>Admins: accounts, API keys, webhook endpoints.</summary>
    public const string Admin = "admin";

    /// <summary>Any valid API key: enqueue and read within its scope.</summary>
    public const string ApiProducer = "api-producer";

    /// <summary>API keys with the operator role: also retry, cancel, delete, requeue within their scope.</summary>
    public const string ApiOperator = "api-operator";

    /// <summary>Any API key or signed-in operator: <c>/metrics</c>.</summary>
    public const string MetricsReader = "metrics-reader";

    /// <summary>The cookie scheme of operators.</summary>
    public const string CookieScheme = "Cookies";

    /// <summary>The bearer scheme of API keys.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The claim holding an operator's or a key's role.</summary>
    public const string RoleClaim = "jobs_role";

    /// <summary>The claim holding an API key's id.</summary>
    public const string ApiKeyIdClaim = "jobs_api_key";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Viewer, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser()
            .RequireClaim(RoleClaim, Name(OperatorRole.Viewer), Name(OperatorRole.Operator), Name(OperatorRole.Admin)));
        options.AddPolicy(Operator, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser()
            .RequireClaim(RoleClaim, Name(OperatorRole.Operator), Name(OperatorRole.Admin)));
        options.AddPolicy(Admin, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser()
            .RequireClaim(RoleClaim, Name(OperatorRole.Admin)));
        options.AddPolicy(ApiProducer, p => p.AddAuthenticationSchemes(ApiKeyScheme).RequireAuthenticatedUser()
            .RequireClaim(RoleClaim, "producer", "operator"));
        options.AddPolicy(ApiOperator, p => p.AddAuthenticationSchemes(ApiKeyScheme).RequireAuthenticatedUser()
            .RequireClaim(RoleClaim, "operator"));
        options.AddPolicy(MetricsReader, p => p.AddAuthenticationSchemes(CookieScheme, ApiKeyScheme).RequireAuthenticatedUser()
            .RequireClaim(RoleClaim, "producer", "operator", Name(OperatorRole.Viewer), Name(OperatorRole.Admin)));
        // Everything not marked otherwise needs a signed-in operator; /health/* opts out.
        options.FallbackPolicy = options.GetPolicy(Viewer);
    }

    private static string Name(OperatorRole role) => role.ToString().ToLowerInvariant();
}
