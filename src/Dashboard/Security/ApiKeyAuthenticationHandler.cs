using System.Security.Claims;
using System.Text.Encodings.Web;
using Jobs.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Security;

/// <summary>
/// <c>Authorization: Bearer jobs_...</c> for the HTTP API. The key is checked by
/// <see cref="ApiKeys"/> (hash compared in constant time, revocation honoured); the principal carries
/// the key's id, name, role and scope. The key itself never reaches a log.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Where the authenticated key's record is kept for the request.</summary>
    public const string KeyItem = "jobs.api_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var key = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is not valid, or was revoked.");
        }
        Context.Items[KeyItem] = key;
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"{key.Name} ({key.Prefix})"),
            new Claim(DashboardPolicies.ApiKeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(DashboardPolicies.RoleClaim, key.Role.ToString().ToLowerInvariant()),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsJsonAsync(new
        {
            type = "https://datatracker.ietf.org/doc/html/rfc9110#section-15.5.2",
            title = "Unauthorized",
            status = 401,
            detail = "Send an API key as 'Authorization: Bearer jobs_...'. Admins create keys in the dashboard or with 'Jobs.Dashboard create-api-key'.",
        }, options: null, contentType: "application/problem+json");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsJsonAsync(new
        {
            type = "https://datatracker.ietf.org/doc/html/rfc9110#section-15.5.4",
            title = "Forbidden",
            status = 403,
            detail = "This API key's role does not allow this action.",
        }, options: null, contentType: "application/problem+json");
    }
}
