namespace Jobs.Engine.Server;

/// <summary>Why an attempt's cancellation token fired, other than its timeout.</summary>
internal enum StopReason
{
    None,
    /// <summary>The server's drain period ran out: hand the job back without spending the attempt.</summary>
    Shutdown,
    /// <summary>The database no longer holds the attempt for us: cancelled, deleted, or rescued elsewhere.</summary>
    Lost,
}

/// <summary>One attempt running in this process, with the means to stop it.</summary>
internal sealed class RunningAttempt(long id, DateTime claimedAt) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _reason;

    public long Id { get; } = id;
    public DateTime ClaimedAt { get; } = claimedAt;
    public CancellationToken Token => _stop.Token;
    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    /// <summary>Fires the token; the first reason given wins.</summary>
    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) == (int)StopReason.None)
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended meanwhile.
            }
        }
    }

    public void Dispose() => _stop.Dispose();
}
