using System.Globalization;
using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// Operator sign-in. Every refusal reads the same (unknown user, wrong password, disabled), so the
/// form tells an attacker nothing about which accounts exist; an unknown user costs a hash check like
/// a known one. Guessing is throttled (<see cref="SignInThrottle"/>, 429 with Retry-After) by client
/// address and by username, known or not; a browser that signed in as the user before
/// (<see cref="SignInDevices"/>) is held back only by its own failures, so the real operator still
/// signs in while someone else guesses.
/// </summary>
[AllowAnonymous]
public sealed partial class LoginModel(OperatorAccounts accounts, IPasswordHasher<OperatorAccount> hasher, IOptions<DashboardOptions> options,
    OperatorSessions sessions, SignInThrottle throttle, SignInDevices devices, AuditLog audit, ILogger<LoginModel> logger) : PageModel
{
    /// <summary>The one message of every refused sign-in.</summary>
    public const string Refused = "Wrong username or password, or the account is disabled.";

    /// <summary>The message of a throttled sign-in (429).</summary>
    public const string Throttled = "Too many failed sign-ins from this address or for this username.";

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

    public async Task<IActionResult> OnPostAsync(string? username, string? returnUrl)
    {
        // Read from the form rather than bound as a handler argument: ASP.NET Core logs a handler's
        // arguments at Trace level, and the password must never be among them.
        var password = Request.HasFormContentType ? Request.Form["password"].FirstOrDefault() : null;
        Username = username;
        ReturnUrl = returnUrl;
        var settings = options.Value;
        var cancellationToken = HttpContext.RequestAborted;
        var client = SignInThrottle.ClientKey(HttpContext.Connection.RemoteIpAddress);
        var user = SignInThrottle.UserKey(username ?? "");
        // A trusted browser answers for its own failures; once they lock it, it is a browser like any other.
        var device = devices.DeviceOf(HttpContext, username);
        if (device is not null && throttle.LockedFor(SignInThrottle.DeviceKey(device)) is not null)
        {
            device = null;
        }
        if (device is null && Longest(throttle.LockedFor(client), throttle.LockedFor(user)) is { } wait)
        {
            return TooMany(wait);
        }

        var account = string.IsNullOrEmpty(username) || username.Length > 64 ? null : await accounts.FindAsync(username, cancellationToken);
        var verified = account is not null && !string.IsNullOrEmpty(password) && password.Length <= 512
            ? hasher.VerifyHashedPassword(account, account.PasswordHash, password)
            : Verify(password);
        if (account is null || account.DisabledAt is not null || verified == PasswordVerificationResult.Failed)
        {
            await FailedAsync(account, client, user, device, settings, cancellationToken);
            return Refuse();
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await accounts.RehashPasswordAsync(account.Id, hasher.HashPassword(account, password!), cancellationToken);
        }
        if (device is null)
        {
            // Only an unknown browser's success clears the username's count: a trusted one's must not
            // give an attacker a fresh set of guesses.
            throttle.Clear(user);
        }
        else
        {
            throttle.Clear(SignInThrottle.DeviceKey(device));
        }
        devices.Trust(HttpContext, account.Username, device);
        await accounts.RecordLoginAsync(account.Id, cancellationToken);
        var token = await sessions.StartAsync(account.Id, cancellationToken);
        await HttpContext.SignInAsync(DashboardUi.Scheme, OperatorSession.Principal(account, token));
        return LocalRedirect(Safe(returnUrl));
    }

    /// <summary>The hash check an unknown user costs, so that it takes as long as a known one's; always a failure.</summary>
    private PasswordVerificationResult Verify(string? password)
    {
        hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
        return PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// Counts a failure against the trusted device, or else against the address and the username. The
    /// account keeps its own count too, which the operators page shows; the username's lock is audited.
    /// </summary>
    private async Task FailedAsync(OperatorAccount? account, string client, string user, string? device, DashboardOptions settings,
        CancellationToken cancellationToken)
    {
        // A name typed at the sign-in page may be a password typed into the wrong field: only names of
        // accounts reach the log.
        var name = account?.Username ?? "(a name that is no account)";
        if (device is not null)
        {
            if (throttle.Fail(SignInThrottle.DeviceKey(device), settings.MaxFailedLogins, settings.LockoutDuration) is { } deviceUntil)
            {
                LogDeviceLocked(logger, name, settings.MaxFailedLogins, deviceUntil);
            }
            return;
        }
        if (throttle.Fail(client, settings.MaxFailedLoginsPerClient, settings.ClientLockoutDuration) is { } clientUntil)
        {
            LogClientLocked(logger, client, settings.MaxFailedLoginsPerClient, clientUntil);
        }
        var until = throttle.Fail(user, settings.MaxFailedLogins, settings.LockoutDuration);
        if (until is not null)
        {
            LogUserLocked(logger, name, settings.MaxFailedLogins, until.Value);
        }
        if (account is null)
        {
            return;
        }
        await accounts.RecordFailedLoginAsync(account.Id, settings.MaxFailedLogins, settings.LockoutDuration, cancellationToken);
        if (until is not null)
        {
            await audit.RecordAsync(new AuditEntry(account.Username, "operator", "operators.locked", account.Username, null,
                new { until, failedLogins = settings.MaxFailedLogins, forBrowsers = "not trusted by a device cookie" }), cancellationToken);
        }
    }

    private PageResult Refuse()
    {
        Problem = Refused;
        Response.StatusCode = StatusCodes.Status200OK;
        return Page();
    }

    private static TimeSpan? Longest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null || a > b ? a : b;

    private PageResult TooMany(TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(wait.TotalSeconds);
        var when = seconds < 60 ? $"{seconds} s" : $"{(seconds + 59) / 60} min";
        Problem = $"{Throttled} Try again in {when}.";
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Page();
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Sign-in from {Client} is locked until {Until} after {Failures} failed sign-ins in a row")]
    private static partial void LogClientLocked(ILogger logger, string client, int failures, DateTimeOffset until);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Sign-in as {Username} is locked until {Until} for browsers without its device cookie after {Failures} failed sign-ins in a row")]
    private static partial void LogUserLocked(ILogger logger, string username, int failures, DateTimeOffset until);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "A browser trusted for {Username} is no longer exempt from the sign-in locks until {Until} after {Failures} failed sign-ins in a row")]
    private static partial void LogDeviceLocked(ILogger logger, string username, int failures, DateTimeOffset until);

    private string Safe(string? returnUrl) => returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
