using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Security;

/// <summary>
/// Device cookies (OWASP's defence against lockout as a weapon): a browser that signed in as a user
/// holds a cookie, protected by the host's data protection keys, naming that user and a random device
/// id. Signing in as that user again, it is not held back by the username's or its address's lock,
/// only by its own failures. The cookie is sent to the sign-in page only and says nothing by itself.
/// </summary>
public sealed class SignInDevices(IDataProtectionProvider protection, IOptions<DashboardOptions> options, TimeProvider time)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "jobs.device";

    /// <summary>How long a browser stays trusted after its last sign-in.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private readonly IDataProtector _protector = protection.CreateProtector("Jobs.Dashboard.SignInDevice.v1");

    /// <summary>The device id of the request's cookie when it was issued to a browser that signed in as <paramref name="username"/>.</summary>
    public string? DeviceOf(HttpContext context, string? username)
    {
        if (string.IsNullOrEmpty(username) || context.Request.Cookies[CookieName] is not { Length: > 0 and < 1000 } cookie)
        {
            return null;
        }
        try
        {
            // "{device id}\n{username}"
            var parts = _protector.Unprotect(cookie).Split('\n', 2);
            return parts is [var device, var user] && string.Equals(user, username, StringComparison.Ordinal) ? device : null;
        }
        catch (CryptographicException)
        {
            return null; // forged, from other keys, or damaged
        }
    }

    /// <summary>Trusts this browser for <paramref name="username"/> (keeping its device id when it had one for that user).</summary>
    public void Trust(HttpContext context, string username, string? device)
    {
        device ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Response.Cookies.Append(CookieName, _protector.Protect($"{device}\n{username}"), new CookieOptions
        {
            HttpOnly = true,
            Secure = options.Value.SecureCookies || context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/login",
            Expires = time.GetUtcNow() + Lifetime,
            IsEssential = true,
        });
    }
}
