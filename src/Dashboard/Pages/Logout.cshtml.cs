using Jobs.Dashboard.Security;
using Jobs.Dashboard.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>Sign-out: a post (with its antiforgery token), so that no link elsewhere can sign an operator out.</summary>
public sealed class LogoutModel : DashboardPage
{
    protected override string PostPolicy => DashboardPolicies.Viewer;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(DashboardUi.Scheme);
        return LocalRedirect("/login");
    }
}
