using Jobs.Dashboard.Ui;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Jobs.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// The job list: by state, filtered by kind, queue, tag, partition key, time range and a search;
/// keyset pages (the monitor's cursors); bulk actions on the ticked jobs.
/// </summary>
public sealed class JobsIndexModel(JobsMonitor monitor, IJobClient jobs, JobKindCatalog catalog, WebhookEndpoints endpoints) : DashboardPage
{
    /// <summary>Jobs per page.</summary>
    public const int PageSize = 50;

    /// <summary>The most jobs one post may tick.</summary>
    public const int MaxSelected = 500;

    public JobFilterForm Filter { get; private set; } = new();
    public string? Cursor { get; private set; }
    public JobPage? List { get; private set; }
    public string? Problem { get; private set; }
    public IReadOnlyList<string> KnownKinds { get; private set; } = [];
    public IReadOnlyList<string> KnownQueues { get; private set; } = [];

    /// <summary>The heading of the list's second time column, by the state shown.</summary>
    public string TimeColumn => Filter.ParsedState switch
    {
        JobState.Scheduled or JobState.Retrying or JobState.Available => "Due",
        JobState.Running => "Started",
        JobState.Succeeded or JobState.Dead or JobState.Cancelled => "Finished",
        _ => "Due · finished",
    };

    private IReadOnlyDictionary<long, WebhookEndpoint> _endpoints = new Dictionary<long, WebhookEndpoint>();

    /// <summary>A webhook delivery's endpoint and message, or null for other jobs.</summary>
    public WebhookDeliveryLabel? DeliveryOf(JobSummary job) => WebhookDeliveryLabel.For(job.Kind, job.PartitionKey, job.ArgsPreview, _endpoints);

    /// <summary>The time the second column shows for a job.</summary>
    public DateTimeOffset? TimeOf(JobSummary job) => job.State switch
    {
        JobState.Running => job.AttemptedAt,
        JobState.Succeeded or JobState.Dead or JobState.Cancelled => job.FinalizedAt,
        _ => job.ScheduledAt,
    };

    /// <summary>The jobs the search names exactly (by id, idempotency key, correlation id or tag) when it names more than one.</summary>
    public IReadOnlyList<JobMatch> Matches { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(JobFilterForm filter, string? cursor, CancellationToken cancellationToken)
    {
        Filter = filter;
        Cursor = cursor;
        if (filter.Problem() is { } problem)
        {
            await LoadChoicesAsync(cancellationToken);
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (cursor is null && filter.IsSearchOnly)
        {
            // The one search box finds a job: when the text names exactly one, open it.
            Matches = await monitor.LookupAsync(filter.Q!, cancellationToken);
            if (Matches.Select(m => m.Id).Distinct().Count() == 1)
            {
                return Redirect($"/jobs/{Matches[0].Id}");
            }
        }
        // The tabs' counts and the list read on connections of their own, side by side: with a text
        // search over millions of jobs each is a scan of its own, and the page waits for the longer one.
        var choices = LoadChoicesAsync(cancellationToken);
        try
        {
            List = await monitor.ListAsync(new JobQuery { Filter = filter.ToFilter(), Cursor = cursor, Limit = PageSize }, cancellationToken);
            if (List.Items.Any(j => j.Kind == WebhookDeliverArgs.Kind))
            {
                _endpoints = (await endpoints.ListAsync(cancellationToken)).ToDictionary(e => e.Id);
            }
        }
        catch (ArgumentException)
        {
            Problem = "This page link belongs to other filters (or was altered). Start again from the first page.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        finally
        {
            await choices;
        }
        return Page();
    }

    /// <summary>How old the unfiltered tabs' counts may be (the list refreshes itself every 5 s in every open browser).</summary>
    public static readonly TimeSpan StateCountsMaxAge = TimeSpan.FromSeconds(2);

    /// <summary>How many jobs each state tab holds under the other filters.</summary>
    public IReadOnlyDictionary<string, StateCount> StateCounts { get; private set; } = new Dictionary<string, StateCount>();

    private async Task LoadChoicesAsync(CancellationToken cancellationToken)
    {
        var others = Filter.Problem() is null ? Filter.ToFilter() with { States = null } : null;
        if (others is not null)
        {
            var counts = others.IsEmpty ? await monitor.CountByStateAsync(StateCountsMaxAge, cancellationToken) : await monitor.CountByStateAsync(others, cancellationToken);
            StateCounts = counts.ToDictionary(c => c.State.ToDb());
        }
        KnownKinds = catalog.Kinds.Union((await monitor.KindsAsync(cancellationToken)).Select(k => k.Kind)).Order(StringComparer.Ordinal).ToList();
        KnownQueues = (await monitor.QueuesAsync(cancellationToken)).Select(q => q.Name).ToList();
    }

    /// <summary>The confirmation step of an action on ticked jobs: what it will change, before it does.</summary>
    public SelectionConfirmation? Confirmation { get; private set; }

    /// <summary>
    /// Requeues, cancels or deletes the ticked jobs, in one statement, once confirmed: the first post
    /// answers with how many of them the action will change (and, for a requeue, the disabled webhook
    /// endpoints among them); the confirmation posts again with <paramref name="confirm"/> set.
    /// </summary>
    public async Task<IActionResult> OnPostSelectedAsync(JobFilterForm filter, string? action, long[]? ids, string? confirm, CancellationToken cancellationToken)
    {
        var back = "/jobs" + filter.Query();
        if (ids is not { Length: > 0 })
        {
            return Failed("Tick the jobs to act on first.", back);
        }
        if (ids.Length > MaxSelected)
        {
            return Failed($"At most {MaxSelected} jobs can be ticked at once; use the actions on all jobs matching the filter instead.", back);
        }
        var selection = new JobFilter { Ids = ids.Distinct().ToArray() };
        if (action is "requeue" or "cancel" or "delete" && confirm != "yes")
        {
            Filter = filter;
            var affected = BulkModel.Affected(selection, action);
            Confirmation = new SelectionConfirmation(action, selection.Ids, await monitor.CountAsync(affected, cancellationToken),
                action == "requeue" ? await DisabledEndpoints.AmongAsync(affected, endpoints, monitor, cancellationToken) : []);
            await LoadChoicesAsync(cancellationToken);
            return Page();
        }
        var count = action switch
        {
            "requeue" => await jobs.RequeueManyAsync(selection, cancellationToken),
            "cancel" => await jobs.CancelManyAsync(selection, cancellationToken),
            "delete" => await jobs.DeleteManyAsync(selection, cancellationToken),
            _ => (int?)null,
        };
        if (count is null)
        {
            return Failed($"'{action}' is not an action: requeue, cancel or delete.", back);
        }
        await AuditAsync($"jobs.{action}_many", $"{ids.Length} selected job{(ids.Length == 1 ? "" : "s")}", count, new { ids = selection.Ids });
        var skipped = selection.Ids.Count - count.Value;
        return Done($"{BulkModel.Past(action!)} {Format.Number(count.Value)} of {Format.Number(selection.Ids.Count)} selected job{(selection.Ids.Count == 1 ? "" : "s")}."
            + (skipped > 0 ? $" {Format.Number(skipped)} {(skipped == 1 ? "was" : "were")} not in a state that allows it." : ""), back);
    }
}

/// <summary>An action on ticked jobs waiting for its confirmation.</summary>
/// <param name="Action">requeue, cancel or delete.</param>
/// <param name="Ids">The ticked jobs.</param>
/// <param name="Count">How many of them it will change.</param>
/// <param name="Warnings">Disabled webhook endpoints the jobs to requeue deliver to.</param>
public sealed record SelectionConfirmation(string Action, IReadOnlyList<long> Ids, CountResult Count, IReadOnlyList<DisabledEndpointWarning> Warnings);
