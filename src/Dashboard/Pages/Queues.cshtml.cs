using Jobs.Engine.Client;
using Jobs.Engine.Monitoring;
using Jobs.Dashboard.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>Queues (depth, running, workers, oldest wait; pause and resume), throughput and timings of the last hour, and kinds with their limits.</summary>
public sealed class QueuesModel(JobsMonitor monitor, IJobClient jobs) : DashboardPage
{
    public IReadOnlyList<QueueInfo> Queues { get; private set; } = [];
    public IReadOnlyList<KindInfo> Kinds { get; private set; } = [];

    /// <summary>Attempts per minute and wait/run percentiles per queue and per kind over the last hour.</summary>
    public StatsBreakdown? Stats { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Queues = await monitor.QueuesAsync(cancellationToken);
        Kinds = await monitor.KindsAsync(cancellationToken);
        Stats = await monitor.StatsByQueueAndKindAsync(cancellationToken: cancellationToken);
    }

    public async Task<IActionResult> OnPostPauseAsync(string? queue, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(queue))
        {
            return Failed("Choose a queue.");
        }
        try
        {
            await jobs.PauseQueueAsync(queue, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return Failed(e.Message);
        }
        await AuditAsync("queues.pause", queue);
        return Done($"Paused queue '{queue}': no server claims from it until it is resumed.");
    }

    public async Task<IActionResult> OnPostResumeAsync(string? queue, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(queue) || !await jobs.ResumeQueueAsync(queue, cancellationToken))
        {
            return Failed($"Queue '{queue}' was not paused.");
        }
        await AuditAsync("queues.resume", queue);
        return Done($"Resumed queue '{queue}'.");
    }
}
