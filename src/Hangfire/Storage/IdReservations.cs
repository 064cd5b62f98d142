using Jobs.Engine.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Job ids handed to Hangfire's <c>CreateExpiredJob</c>, which must name a job before its state (and
/// so the engine job) exists. Ids come from the engine in blocks, so that an enqueue costs one round
/// trip (the insert) instead of two: a block lasts about a second, growing while enqueues come fast
/// and shrinking when they slow, so ids stay close to the order jobs were enqueued in. Ids never used
/// (the process stopped, the block grew stale) are simply skipped.
/// </summary>
internal sealed class IdReservations(IJobClient jobs, TimeProvider time)
{
    private const int MaxBlock = 512;
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly SemaphoreSlim _refill = new(1, 1);
    private Queue<long> _ids = new();
    private long _drawnAt;
    private int _block = 1;

    public long Next()
    {
        lock (_gate)
        {
            if (_ids.Count > 0 && time.GetElapsedTime(_drawnAt) < Freshness)
            {
                return _ids.Dequeue();
            }
        }
        return Refill();
    }

    private long Refill()
    {
        // One caller draws the next block; the others wait for it rather than drawing blocks of their own.
        _refill.Wait();
        try
        {
            lock (_gate)
            {
                if (_ids.Count > 0 && time.GetElapsedTime(_drawnAt) < Freshness)
                {
                    return _ids.Dequeue();
                }
                // The last block ran out within its second: take twice as many; it went stale unused: half.
                if (_ids.Count == 0 && time.GetElapsedTime(_drawnAt) < Freshness)
                {
                    _block = Math.Min(_block * 2, MaxBlock);
                }
                else if (_ids.Count > 0)
                {
                    _block = Math.Max(_block / 2, 1);
                }
            }
            var ids = jobs.ReserveIds(_block);
            lock (_gate)
            {
                _ids = new Queue<long>(ids.Skip(1));
                _drawnAt = time.GetTimestamp();
                return ids[0];
            }
        }
        finally
        {
            _refill.Release();
        }
    }
}
