using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Jobs.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// Sign-out: a post (with its antiforgery token), so that no link elsewhere can sign an operator out.
/// It ends the session on the server, so the cookie stops working wherever a copy of it is.
/// </summary>
public sealed class LogoutModel(OperatorSessions sessions) : DashboardPage
{
    protected override string PostPolicy => DashboardPolicies.Viewer;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (OperatorSession.TokenOf(User) is { } token)
        {
            await sessions.EndAsync(token, HttpContext.RequestAborted);
        }
        await HttpContext.SignOutAsync(DashboardUi.Scheme);
        return LocalRedirect("/login");
    }
}
