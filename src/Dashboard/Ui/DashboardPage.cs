using Jobs.Dashboard.Security;
using Jobs.Operators;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// The base of the operator pages. Reading needs a signed-in operator (the fallback policy);
/// every form post needs <see cref="PostPolicy"/> (operators by default), checked here because Razor
/// Pages authorize pages, not handlers: a viewer who posts anyway gets the 403 page.
/// </summary>
public abstract class DashboardPage : PageModel
{
    /// <summary>The policy a post to this page needs.</summary>
    protected virtual string PostPolicy => DashboardPolicies.Operator;

    /// <summary>The policy a post to one handler of this page needs (<see cref="PostPolicy"/> unless a page says otherwise).</summary>
    protected virtual string PostPolicyFor(string? handler) => PostPolicy;

    /// <summary>The signed-in operator's role.</summary>
    public OperatorRole Role => OperatorSession.RoleOf(User);

    /// <summary>True when the operator may retry, requeue, cancel, delete, trigger and pause: action buttons show.</summary>
    public bool CanOperate => Role >= OperatorRole.Operator;

    /// <summary>True for admins: accounts, API keys, webhook endpoints.</summary>
    public bool IsAdmin => Role == OperatorRole.Admin;

    /// <summary>A message for the next page (after a redirect): what an action did.</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>A problem for the next page.</summary>
    [TempData]
    public string? FlashError { get; set; }

    /// <summary>A message for this response only (a page rendered by a post, e.g. one showing a secret once).</summary>
    public string? Notice { get; protected set; }

    /// <summary>Now, by the host's clock.</summary>
    public DateTimeOffset Now { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        Now = HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method))
        {
            var authorization = HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await authorization.AuthorizeAsync(User, PostPolicyFor(context.HandlerMethod?.Name))).Succeeded)
            {
                context.Result = Forbid();
                return;
            }
        }
        await next();
    }

    /// <summary>Writes an operator action to the audit log.</summary>
    protected Task AuditAsync(string action, string? target, long? jobCount = null, object? details = null) =>
        HttpContext.RequestServices.GetRequiredService<AuditLog>().RecordAsync(User.Audit(action, target, jobCount, details), HttpContext.RequestAborted);

    /// <summary>The token of this rendering's one-time forms (<see cref="OneTimeActions"/>): put it in each as <c>__once</c>.</summary>
    public string OnceToken => _onceToken ??= HttpContext.RequestServices.GetRequiredService<OneTimeActions>().Issue(User);

    private string? _onceToken;

    /// <summary>
    /// A one-time action (Post/Redirect/Get): acts for the first post of the form's token, and
    /// answers any repeat of it as the first, without acting again.
    /// </summary>
    protected async Task<IActionResult> OnceAsync(Func<OneTimeActions, Task<Outcome>> action)
    {
        var once = HttpContext.RequestServices.GetRequiredService<OneTimeActions>();
        var outcome = await once.RunOnceAsync(Request.Form[OneTimeActions.FieldName].FirstOrDefault(), User, () => action(once));
        if (outcome is null)
        {
            return Failed("This form was sent already or has expired, so nothing was done; check the page and try again.");
        }
        Flash = outcome.Flash;
        FlashError = outcome.Error;
        return LocalRedirect(outcome.Url);
    }

    /// <summary>Back to this page (its query string kept) with a message.</summary>
    protected IActionResult Done(string message, string? url = null)
    {
        Flash = message;
        return LocalRedirect(url ?? Request.Path + Request.QueryString);
    }

    /// <summary>Back to this page (its query string kept) with a problem.</summary>
    protected IActionResult Failed(string message, string? url = null)
    {
        FlashError = message;
        return LocalRedirect(url ?? Request.Path + Request.QueryString);
    }
}
