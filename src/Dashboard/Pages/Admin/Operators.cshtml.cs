using System.Security.Cryptography;
using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Operators;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// Operator accounts (admins only): create with a role, change a role, disable and enable, reset a
/// password (a generated one, shown once). Admins cannot change or disable their own account, so the
/// last admin cannot lock everyone out by mistake.
/// </summary>
[Authorize(Policy = DashboardPolicies.Admin)]
public sealed class OperatorsModel(OperatorAccounts accounts, IPasswordHasher<OperatorAccount> hasher, IOptions<DashboardOptions> options,
    SignInThrottle throttle) : DashboardPage
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinPassword = 12;

    protected override string PostPolicy => DashboardPolicies.Admin;

    public IReadOnlyList<OperatorAccount> Accounts { get; private set; } = [];
    public (string Username, string Password)? IssuedPassword { get; private set; }
    public int MaxFailedLogins => options.Value.MaxFailedLogins;
    public TimeSpan LockoutDuration => options.Value.LockoutDuration;

    /// <summary>True when the address named a password that was shown already (a reload after making one).</summary>
    public bool IssuedPasswordGone { get; private set; }

    /// <param name="issued">The token of a password just made, to show once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task OnGetAsync(string? issued, CancellationToken cancellationToken)
    {
        IssuedPassword = HttpContext.RequestServices.GetRequiredService<OneTimeActions>().Take<IssuedPasswordOf>(issued, User) is { } kept
            ? (kept.Username, kept.Password)
            : null;
        IssuedPasswordGone = issued is not null && IssuedPassword is null;
        Accounts = await accounts.ListAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostCreateAsync(string? username, string? role, string? password, CancellationToken cancellationToken) =>
        OnceAsync(async once =>
        {
            if (!TryRole(role, out var parsed))
            {
                return new Outcome(Request.Path, Error: $"'{role}' is not a role: viewer, operator or admin.");
            }
            var generated = string.IsNullOrEmpty(password);
            if (!generated && password!.Length < MinPassword)
            {
                return new Outcome(Request.Path, Error: $"A password needs at least {MinPassword} characters (or leave it empty to generate one).");
            }
            var chosen = generated ? NewPassword() : password!;
            try
            {
                await accounts.CreateAsync(username ?? "", hasher.HashPassword(null!, chosen), parsed, User.Identity!.Name!, cancellationToken);
            }
            catch (ArgumentException e)
            {
                return new Outcome(Request.Path, Error: e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
            }
            await AuditAsync("operators.create", username, details: new { role = Name(parsed) });
            var done = $"Created {Name(parsed)} '{username}'.";
            return generated ? Reveal(once, username!, chosen, done) : new Outcome(Request.Path, done);
        });

    public async Task<IActionResult> OnPostRoleAsync(long id, string? role, CancellationToken cancellationToken)
    {
        if (!TryRole(role, out var parsed))
        {
            return Failed($"'{role}' is not a role: viewer, operator or admin.");
        }
        if (await OtherAccountAsync(id, cancellationToken) is not { } account)
        {
            return Failed("Choose another operator's account (your own role cannot be changed here).");
        }
        await accounts.SetRoleAsync(id, parsed, cancellationToken);
        await AuditAsync("operators.role", account.Username, details: new { from = Name(account.Role), to = Name(parsed) });
        return Done($"'{account.Username}' is now {Name(parsed)}.");
    }

    public Task<IActionResult> OnPostDisableAsync(long id, CancellationToken cancellationToken) => SetDisabledAsync(id, true, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(long id, CancellationToken cancellationToken) => SetDisabledAsync(id, false, cancellationToken);

    public Task<IActionResult> OnPostResetAsync(long id, CancellationToken cancellationToken) =>
        OnceAsync(async once =>
        {
            if (await OtherAccountAsync(id, cancellationToken) is not { } account)
            {
                return new Outcome(Request.Path, Error: "Choose another operator's account.");
            }
            var password = NewPassword();
            await accounts.SetPasswordAsync(id, hasher.HashPassword(account, password), cancellationToken);
            throttle.Clear(SignInThrottle.UserKey(account.Username));
            await AuditAsync("operators.reset_password", account.Username);
            return Reveal(once, account.Username, password, $"'{account.Username}' has a new password (and any lock is lifted).");
        });

    private async Task<IActionResult> SetDisabledAsync(long id, bool disabled, CancellationToken cancellationToken)
    {
        if (await OtherAccountAsync(id, cancellationToken) is not { } account)
        {
            return Failed("Choose another operator's account (you cannot disable your own).");
        }
        await accounts.SetDisabledAsync(id, disabled, cancellationToken);
        await AuditAsync(disabled ? "operators.disable" : "operators.enable", account.Username);
        return Done(disabled ? $"Disabled '{account.Username}': signed out now, and cannot sign in." : $"Enabled '{account.Username}'.");
    }

    private async Task<OperatorAccount?> OtherAccountAsync(long id, CancellationToken cancellationToken) =>
        await accounts.GetAsync(id, cancellationToken) is { } account && account.Username != User.Identity?.Name ? account : null;

    /// <summary>Back to the list, where the password shows once (kept in memory only, never stored in clear or put in the address).</summary>
    private Outcome Reveal(OneTimeActions once, string username, string password, string message) =>
        new($"{Request.Path}?issued={once.Keep(User, new IssuedPasswordOf(username, password))}", message);

    /// <summary>A password made for an account, until it is shown.</summary>
    private sealed record IssuedPasswordOf(string Username, string Password)
    {
        public override string ToString() => $"IssuedPasswordOf {{ Username = {Username}, Password = *** }}";
    }

    private static bool TryRole(string? role, out OperatorRole parsed) =>
        Enum.TryParse(role, ignoreCase: true, out parsed) && Enum.IsDefined(parsed) && !int.TryParse(role, out _);

    private static string Name(OperatorRole role) => role.ToString().ToLowerInvariant();

    private static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
