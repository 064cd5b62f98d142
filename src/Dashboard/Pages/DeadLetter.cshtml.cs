using Jobs.Dashboard.Ui;
using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Engine.States;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>The dead letter, grouped by kind and latest error; a group is requeued in one statement.</summary>
public sealed class DeadLetterModel(JobsMonitor monitor, IJobClient jobs) : DashboardPage
{
    /// <summary>The most recent dead jobs the grouping reads by default (what is failing now, in well under 100 ms).</summary>
    public const int DefaultScan = 5_000;

    /// <summary>The most it reads when asked to look deeper.</summary>
    public const int DeepScan = 50_000;

    public IReadOnlyList<DeadLetterGroup> Groups { get; private set; } = [];

    /// <summary>How many of the most recent dead jobs this view grouped.</summary>
    public int Scan { get; private set; } = DefaultScan;

    /// <summary>The jobs list showing one group.</summary>
    public static string JobsUrl(DeadLetterGroup group) =>
        new JobFilterForm { State = "dead", Kind = group.Kind, Error = group.Error }.Query() is var query ? "/jobs" + query : "/jobs";

    public async Task OnGetAsync(bool deep, CancellationToken cancellationToken)
    {
        Scan = deep ? DeepScan : DefaultScan;
        Groups = await monitor.DeadLetterGroupsAsync(limit: 100, scan: Scan, cancellationToken: cancellationToken);
    }

    public async Task<IActionResult> OnPostRequeueAsync(string? kind, string? error, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(kind) || error is null)
        {
            return Failed("Choose a group to requeue.");
        }
        var filter = new JobFilter { States = [JobState.Dead], Kinds = [kind], LastError = error };
        var count = await jobs.RequeueManyAsync(filter, cancellationToken);
        await AuditAsync("jobs.requeue_many", $"dead-letter group {kind}: {Format.Cut(error, 120)}", count, new { kind, error });
        return Done($"Requeued {Format.Number(count)} dead {kind} job{(count == 1 ? "" : "s")}.");
    }
}
