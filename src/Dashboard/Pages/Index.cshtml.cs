using Jobs.Dashboard.Ui;
using Jobs.Engine.Monitoring;

namespace Jobs.Dashboard.Pages;

/// <summary>The overview: counts per state, throughput, queues and the largest dead-letter groups.</summary>
public sealed class IndexModel(JobsMonitor monitor, TimeProvider time) : DashboardPage
{
    public OverviewData Data { get; private set; } = null!;
    public IReadOnlyList<DeadLetterGroup> DeadGroups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Data = await OverviewData.ReadAsync(monitor, time, cancellationToken);
        DeadGroups = await monitor.DeadLetterGroupsAsync(limit: 5, scan: 2_000, cancellationToken: cancellationToken);
    }
}
