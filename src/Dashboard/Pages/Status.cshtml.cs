using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// The page of an error status (re-executed by the status code pages middleware with the original
/// method, so it answers posts too; the status stays the original one).
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }
    public string Heading { get; private set; } = "";
    public string Text { get; private set; } = "";

    public IActionResult OnGet(int code) => Show(code);

    public IActionResult OnPost(int code) => Show(code);

    private PageResult Show(int code)
    {
        // Reached directly (not re-executed), the page answers with the status it names.
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalStatusCode;
        Code = original ?? (code is >= 400 and <= 599 ? code : 404);
        Response.StatusCode = Code;
        (Heading, Text) = Code switch
        {
            403 => ("Not allowed", "Your role does not allow this. Viewers read every page; operators retry, requeue, cancel, delete, trigger and pause; admins manage accounts, API keys and webhook endpoints."),
            404 => ("Not found", "There is nothing here. The job may have been deleted or pruned by retention."),
            400 => ("The form could not be sent", "It expired or did not come from this dashboard. Reload the page and try again."),
            405 => ("Not allowed here", "This address does not take that kind of request."),
            _ => ("Something went wrong", "The dashboard could not answer. Try again; if it keeps failing, look at the dashboard's log."),
        };
        return Page();
    }
}
