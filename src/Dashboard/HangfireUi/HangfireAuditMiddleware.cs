using System.Text.RegularExpressions;
using Jobs.Dashboard.Security;
using Jobs.Operators;

namespace Jobs.Dashboard.HangfireUi;

/// <summary>
/// Writes every command the Hangfire Dashboard carried out (it answers 204) to the audit log, under
/// the operator's name and the same action names as the native pages (<c>jobs.requeue</c>,
/// <c>jobs.delete</c>, <c>schedules.trigger</c>, <c>schedules.remove</c>), with <c>via: hangfire</c>
/// and the page it came from. Refused and failed commands change nothing and are not recorded.
/// </summary>
internal sealed partial class HangfireAuditMiddleware(RequestDelegate next, AuditLog audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value![HangfireDashboardSetup.Path.Length..];
        if (string.Equals(path, "/stats", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        await next(context);
        if (context.Response.StatusCode != StatusCodes.Status204NoContent || Describe(path) is not { } action)
        {
            return;
        }
        IReadOnlyList<string> ids = action.Id is { } one ? [one] : context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted))["jobs[]"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList()
            : [];
        var target = action.Schedules
            ? $"schedule {string.Join(", ", ids)}"
            : ids.Count == 1 ? $"job {ids[0]}" : $"jobs {string.Join(", ", ids)}";
        await audit.RecordAsync(context.User.Audit(action.Name, target, action.Schedules ? null : ids.Count,
            new { via = "hangfire", page = action.Page }), CancellationToken.None);
    }

    private static (string Name, string Page, string? Id, bool Schedules)? Describe(string path)
    {
        if (JobAction().Match(path) is { Success: true } single)
        {
            return (single.Groups[1].Value == "requeue" ? "jobs.requeue" : "jobs.delete", "job", single.Groups[2].Value, false);
        }
        if (ListAction().Match(path) is { Success: true } list)
        {
            var verb = list.Groups[2].Value;
            return (verb == "delete" ? "jobs.delete" : "jobs.requeue", list.Groups[1].Value, null, false);
        }
        if (RecurringAction().Match(path) is { Success: true } recurring)
        {
            return ("schedules." + recurring.Groups[1].Value.ToLowerInvariant(), "recurring", null, true);
        }
        return ("hangfire" + path.Replace('/', '.'), path, null, false);
    }

    [GeneratedRegex(@"^/jobs/actions/(requeue|delete)/(\d+)$")]
    private static partial Regex JobAction();

    [GeneratedRegex(@"^/jobs/([a-z]+)/(requeue|enqueue|delete)$")]
    private static partial Regex ListAction();

    [GeneratedRegex(@"^/recurring/([a-z]+)$")]
    private static partial Regex RecurringAction();
}
