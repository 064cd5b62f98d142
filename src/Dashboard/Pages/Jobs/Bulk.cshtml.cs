using System.Globalization;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Dashboard.Security;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// An action on every job matching a filter: a preview with the count (exact up to
/// <see cref="JobsMonitor.PreviewCap"/>), then a confirmation that runs one set-based statement. The
/// preview's time bounds the action, so jobs enqueued after the operator looked are left alone.
/// </summary>
public sealed class BulkModel(JobsMonitor monitor, IJobClient jobs, WebhookEndpoints endpoints) : DashboardPage
{
    public JobFilterForm Filter { get; private set; } = new();
    public string Action { get; private set; } = "";
    public CountResult? Count { get; private set; }
    public DateTimeOffset Until { get; private set; }
    public string? Problem { get; private set; }

    /// <summary>Disabled webhook endpoints the jobs to requeue deliver to.</summary>
    public IReadOnlyList<DisabledEndpointWarning> Warnings { get; private set; } = [];

    protected override string PostPolicyFor(string? handler) =>
        handler is "EnableEndpoint" ? DashboardPolicies.Admin : PostPolicy;

    /// <summary>The states an action changes (the engine's statements leave jobs in other states alone).</summary>
    public static IReadOnlyList<JobState> StatesFor(string action) => action switch
    {
        "requeue" => [JobState.Scheduled, JobState.Retrying, JobState.Dead, JobState.Cancelled, JobState.Succeeded, JobState.Awaiting],
        "cancel" => [JobState.Scheduled, JobState.Available, JobState.Running, JobState.Retrying, JobState.Awaiting],
        _ => Enum.GetValues<JobState>(),
    };

    /// <summary>The jobs of <paramref name="filter"/> that <paramref name="action"/> would change.</summary>
    public static JobFilter Affected(JobFilter filter, string action) =>
        filter with { States = (filter.States ?? Enum.GetValues<JobState>()).Intersect(StatesFor(action)).ToList() };

    /// <summary>How many jobs an action will change, in words: "3 jobs will be requeued".</summary>
    public static string WillBe(CountResult count, string action)
    {
        var jobs = count.Exact ? $"{Format.Number(count.Jobs)} job{(count.Jobs == 1 ? "" : "s")}"
            : count.Estimated ? $"About {Format.Number(count.Jobs)} jobs" : $"More than {Format.Number(count.Jobs)} jobs";
        return $"{jobs} will be {Past(action).ToLowerInvariant()}";
    }

    public string Verb => VerbOf(Action);

    /// <summary>An action as a button says it.</summary>
    public static string VerbOf(string action) => action switch { "requeue" => "Requeue", "cancel" => "Cancel", "delete" => "Delete", _ => "Act on" };

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
        var bounded = Bounded(filter, Until);
        Count = await monitor.CountAsync(Affected(bounded, Action), cancellationToken);
        if (Action == "requeue")
        {
            Warnings = await DisabledEndpoints.AmongAsync(Affected(bounded, Action), endpoints, monitor, cancellationToken);
        }
    }

    /// <summary>Enables a disabled webhook endpoint from a requeue's warning (admins), then back to the preview.</summary>
    public async Task<IActionResult> OnPostEnableEndpointAsync(long id, string? back, CancellationToken cancellationToken)
    {
        var to = back is { Length: > 0 } && Url.IsLocalUrl(back) ? back : "/jobs";
        if (!await endpoints.EnableAsync(id, cancellationToken))
        {
            return Failed($"There is no endpoint #{id}.", to);
        }
        await AuditAsync("webhooks.enable", $"endpoint {id}");
        return Done($"Enabled endpoint #{id}: its deliveries can be requeued now.", to);
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
