using Jobs.Dashboard.Ui;
using Jobs.Engine.Monitoring;

namespace Jobs.Dashboard.Pages;

/// <summary>The dead letter, grouped by kind and latest error; a group is requeued in one statement after a preview of its count.</summary>
public sealed class DeadLetterModel(JobsMonitor monitor) : DashboardPage
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
        "/jobs" + GroupFilter(group).Query();

    /// <summary>The preview of requeueing one group (its count first, then the confirmation).</summary>
    public static string RequeueUrl(DeadLetterGroup group) =>
        "/jobs/bulk" + GroupFilter(group).Query(("action", "requeue"));

    private static JobFilterForm GroupFilter(DeadLetterGroup group) => new() { State = "dead", Kind = group.Kind, Error = group.Error };

    public async Task OnGetAsync(bool deep, CancellationToken cancellationToken)
    {
        Scan = deep ? DeepScan : DefaultScan;
        Groups = await monitor.DeadLetterGroupsAsync(limit: 100, scan: Scan, cancellationToken: cancellationToken);
    }
}
