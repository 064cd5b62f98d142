using System.Globalization;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// An action on every job matching a filter: a preview with the count (exact up to
/// <see cref="JobsMonitor.PreviewCap"/>), then a confirmation that runs one set-based statement. The
/// preview's time bounds the action, so jobs enqueued after the operator looked are left alone.
/// </summary>
public sealed class BulkModel(JobsMonitor monitor, IJobClient jobs) : DashboardPage
{
    public JobFilterForm Filter { get; private set; } = new();
    public string Action { get; private set; } = "";
    public CountResult? Count { get; private set; }
    public DateTimeOffset Until { get; private set; }
    public string? Problem { get; private set; }

    public string Verb => Action switch { "requeue" => "Requeue", "cancel" => "Cancel", "delete" => "Delete", _ => "Act on" };

    public string Effect => Action switch
    {
        "requeue" => "Dead, cancelled and succeeded jobs run again (a job that spent its attempts gets one more); scheduled and retrying jobs run now. Available and running jobs are left as they are.",
        "cancel" => "Jobs that have not finished are cancelled; running jobs see their cancellation token fire. Finished jobs are left as they are.",
        "delete" => "Jobs are deleted in any state, with their history. This cannot be undone.",
        _ => "",
    };

    /// <summary>The past tense of an action, for messages.</summary>
    public static string Past(string action) => action switch { "requeue" => "Requeued", "cancel" => "Cancelled", "delete" => "Deleted", _ => action };

    public async Task OnGetAsync(JobFilterForm filter, string? action, CancellationToken cancellationToken)
    {
        Filter = filter;
        Action = action ?? "";
        Until = Now;
        if (Check() is { } problem)
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Count = await monitor.CountAsync(Bounded(filter, Until), cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(JobFilterForm filter, string? action, string? until, CancellationToken cancellationToken)
    {
        Filter = filter;
        Action = action ?? "";
        if (Check() is { } problem)
        {
            return Failed(problem, "/jobs" + filter.Query());
        }
        if (!DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var bound))
        {
            return Failed("The confirmation is missing its preview time; preview again.", "/jobs/bulk" + filter.Query(("action", Action)));
        }
        var engineFilter = Bounded(filter, bound);
        var count = Action switch
        {
            "requeue" => await jobs.RequeueManyAsync(engineFilter, cancellationToken),
            "cancel" => await jobs.CancelManyAsync(engineFilter, cancellationToken),
            _ => await jobs.DeleteManyAsync(engineFilter, cancellationToken),
        };
        await AuditAsync($"jobs.{Action}_many", "filter: " + filter.Describe(), count, new { filter = filter.Pairs().ToDictionary(p => p.Name, p => p.Value), until = bound });
        return Done($"{Past(Action)} {Format.Number(count)} job{(count == 1 ? "" : "s")} matching {filter.Describe()}.", "/jobs" + filter.Query());
    }

    private string? Check()
    {
        if (Action is not ("requeue" or "cancel" or "delete"))
        {
            return $"'{Action}' is not a bulk action: requeue, cancel or delete.";
        }
        if (Filter.Problem() is { } problem)
        {
            return problem;
        }
        return Filter.IsEmpty ? "Choose a state or another filter first: a bulk action over every job is refused." : null;
    }

    private static JobFilter Bounded(JobFilterForm form, DateTimeOffset until)
    {
        var filter = form.ToFilter();
        return filter with { CreatedTo = filter.CreatedTo is { } to && to < until ? to : until };
    }
}
