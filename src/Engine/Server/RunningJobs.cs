using System.Collections.Concurrent;

namespace Jobs.Engine.Server;

/// <summary>The attempts running in this process, by job id.</summary>
internal sealed class RunningJobs
{
    private readonly ConcurrentDictionary<long, RunningAttempt> _attempts = new();

    public int Count => _attempts.Count;

    public RunningAttempt Start(long id, DateTime claimedAt)
    {
        var running = new RunningAttempt(id, claimedAt);
        _attempts[id] = running;
        return running;
    }

    public void End(RunningAttempt attempt)
    {
        _attempts.TryRemove(new KeyValuePair<long, RunningAttempt>(attempt.Id, attempt));
        attempt.Dispose();
    }

    public (long[] Ids, DateTime[] ClaimedAt) Snapshot()
    {
        var items = _attempts.Values.ToArray();
        return (items.Select(a => a.Id).ToArray(), items.Select(a => a.ClaimedAt).ToArray());
    }

    public void Stop(long id, StopReason reason)
    {
        if (_attempts.TryGetValue(id, out var attempt))
        {
            attempt.Stop(reason);
        }
    }

    public void StopAll(StopReason reason)
    {
        foreach (var attempt in _attempts.Values)
        {
            attempt.Stop(reason);
        }
    }
}
