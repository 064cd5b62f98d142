using Jobs.Engine.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Jobs.Dashboard.Ui;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// Operator sign-in. Every refusal reads the same (unknown user, wrong password, locked, disabled),
/// so the form tells an attacker nothing about which accounts exist; an unknown user costs a hash
/// check like a known one. Failed logins in a row lock the account (<see cref="DashboardOptions.MaxFailedLogins"/>).
/// </summary>
[AllowAnonymous]
public sealed class LoginModel(OperatorAccounts accounts, IPasswordHasher<OperatorAccount> hasher, IOptions<DashboardOptions> options,
    OperatorSessions sessions, AuditLog audit, TimeProvider time) : PageModel
{
    /// <summary>The one message of every refused sign-in.</summary>
    public const string Refused = "Wrong username or password, or the account is locked or disabled.";

    // Verified against when the user is unknown, so that both paths cost one hash check.
    private static readonly string DummyHash = new PasswordHasher<OperatorAccount>().HashPassword(null!, "not-a-password-" + Guid.NewGuid());

    public string? Username { get; private set; }
    public string? ReturnUrl { get; private set; }
    public string? Problem { get; private set; }

    public IActionResult OnGet(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        return User.Identity?.IsAuthenticated == true ? LocalRedirect(Safe(returnUrl)) : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        Username = username;
        ReturnUrl = returnUrl;
        var cancellationToken = HttpContext.RequestAborted;
        var account = string.IsNullOrEmpty(username) || username.Length > 64 ? null : await accounts.FindAsync(username, cancellationToken);
        if (account is null || string.IsNullOrEmpty(password) || password.Length > 512)
        {
            hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
            return Refuse();
        }
        var result = hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (account.DisabledAt is not null || account.LockedUntil > time.GetUtcNow())
        {
            return Refuse();
        }
        if (result == PasswordVerificationResult.Failed)
        {
            var settings = options.Value;
            if (await accounts.RecordFailedLoginAsync(account.Id, settings.MaxFailedLogins, settings.LockoutDuration, cancellationToken) is { } until)
            {
                await audit.RecordAsync(new AuditEntry(account.Username, "operator", "operators.locked", account.Username, null,
                    new { until, failedLogins = settings.MaxFailedLogins }), cancellationToken);
            }
            return Refuse();
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await accounts.RehashPasswordAsync(account.Id, hasher.HashPassword(account, password), cancellationToken);
        }
        await accounts.RecordLoginAsync(account.Id, cancellationToken);
        var token = await sessions.StartAsync(account.Id, cancellationToken);
        await HttpContext.SignInAsync(DashboardUi.Scheme, OperatorSession.Principal(account, token));
        return LocalRedirect(Safe(returnUrl));
    }

    private PageResult Refuse()
    {
        Problem = Refused;
        Response.StatusCode = StatusCodes.Status200OK;
        return Page();
    }

    private string Safe(string? returnUrl) => returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
