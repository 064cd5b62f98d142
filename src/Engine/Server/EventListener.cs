using Jobs.Engine.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jobs.Engine.Server;

/// <summary>
/// The one LISTEN connection of a process. Payloads on the schema's channel:
/// <c>q:{queue}</c> work is available, <c>c</c> a job was cancelled or deleted, <c>p</c> a queue was
/// paused or resumed, <c>s</c> a job was scheduled for later. Notifications are hints: a lost one
/// costs at most a poll interval, and after a reconnect every queue is woken.
/// </summary>
internal sealed partial class EventListener(JobsDatabase database, TimeProvider timeProvider, ILogger<EventListener> logger)
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private volatile bool _connected;

    /// <summary>True while the LISTEN connection is up.</summary>
    public bool IsConnected => _connected;

    /// <summary>
    /// True when there is no connection to listen on: the engine reaches PostgreSQL only through a pooler
    /// in transaction mode and no direct connection string is set, so queues are polled.
    /// </summary>
    public bool IsPollingOnly => database.SessionDataSource is null;

    public event Action<string>? QueueWoken;
    public event Action? JobsCancelled;
    public event Action? QueuesChanged;
    public event Action? JobScheduled;
    /// <summary>Raised after every (re)connect: notifications sent while disconnected are lost.</summary>
    public event Action? Connected;

    public async Task RunAsync(CancellationToken stop)
    {
        // A pooler in transaction mode hands the session that ran LISTEN to other clients after the
        // statement: notifications would reach none of ours, and another client could be sent them.
        if (database.SessionDataSource is not { } dataSource)
        {
            LogPollingOnly(logger, database.Pooler);
            return;
        }
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"listen {database.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }
                _connected = true;
                backoff = TimeSpan.FromMilliseconds(200);
                Connected?.Invoke();
                while (!stop.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(KeepAlive, stop))
                    {
                        // Quiet for a while: make sure the connection still works.
                        await using var ping = new NpgsqlCommand("select 1", connection);
                        await ping.ExecuteScalarAsync(stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _connected = false;
                LogListenFailed(logger, e, backoff);
                try
                {
                    await Task.Delay(backoff, timeProvider, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            finally
            {
                _connected = false;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var payload = e.Payload;
        if (payload.StartsWith("q:", StringComparison.Ordinal))
        {
            QueueWoken?.Invoke(payload[2..]);
        }
        else if (payload == "c")
        {
            JobsCancelled?.Invoke();
        }
        else if (payload == "p")
        {
            QueuesChanged?.Invoke();
        }
        else if (payload == "s")
        {
            JobScheduled?.Invoke();
        }
    }

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Jobs:Pooler is {Pooler} and ConnectionStrings:JobsDirect is not set: no LISTEN connection, queues are polled every Jobs:Server:PollInterval (set a direct connection string for sub-second pickup)")]
    private static partial void LogPollingOnly(ILogger logger, JobsPooler pooler);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "The LISTEN connection failed; reconnecting in {Backoff} (queues are polled meanwhile)")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, TimeSpan backoff);
}
