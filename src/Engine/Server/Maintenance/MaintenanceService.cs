using Microsoft.Extensions.Logging;

namespace Jobs.Engine.Server.Maintenance;

/// <summary>
/// A periodic pass over the job table. Any number of servers run each service; a pass takes a
/// transaction-scoped advisory lock so only one runs at a time, and a server that finds the lock
/// taken simply waits for its next turn. <see cref="RunOnceAsync"/> is one pass, for tests.
/// </summary>
internal abstract partial class MaintenanceService(TimeProvider timeProvider, ILogger logger)
{
    private readonly Signal _nudge = new();

    protected TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Runs a pass now instead of at its next time.</summary>
    public void Nudge() => _nudge.Set();

    /// <summary>One pass; returns how long to wait before the next.</summary>
    public abstract Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken);

    public async Task RunAsync(CancellationToken stop)
    {
        var name = GetType().Name;
        while (!stop.IsCancellationRequested)
        {
            TimeSpan next;
            try
            {
                next = await RunOnceAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e, name);
                next = TimeSpan.FromSeconds(5);
            }
            try
            {
                await _nudge.WaitAsync(next, TimeProvider, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Maintenance pass {Service} failed; trying again in 5 s")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string service);
}
