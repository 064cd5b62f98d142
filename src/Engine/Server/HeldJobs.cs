using System.Collections.Concurrent;

namespace Jobs.Engine.Server;

/// <summary>
/// Every claim this process received and has not yet written the end of: from the claim's answer until its
/// completion is committed (buffered, running, or waiting in the completion writer), keyed by job and claim
/// time, so a later claim of the same job is another entry. The database may hold claims for this server that
/// are not here: the answer of a committed claim, or a committed completion, was lost with a primary that
/// failed over. <see cref="Heartbeat"/> hands those back.
/// </summary>
internal sealed class HeldJobs
{
    private readonly ConcurrentDictionary<(long Id, DateTime ClaimedAt), byte> _held = new();

    public int Count => _held.Count;

    public void Add(long id, DateTime claimedAt) => _held.TryAdd((id, claimedAt), 0);

    /// <summary>Called once the end of the claim is committed (a completion written, fenced or not).</summary>
    public void Remove(long id, DateTime claimedAt) => _held.TryRemove((id, claimedAt), out _);

    public (long[] Ids, DateTime[] ClaimedAt) Snapshot()
    {
        var keys = _held.Keys.ToArray();
        return (keys.Select(k => k.Id).ToArray(), keys.Select(k => k.ClaimedAt).ToArray());
    }
}
