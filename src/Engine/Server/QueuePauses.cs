namespace Jobs.Engine.Server;

/// <summary>The queues an operator paused, as last read from the database.</summary>
internal sealed class QueuePauses
{
    private volatile HashSet<string> _paused = [];

    public bool IsPaused(string queue) => _paused.Contains(queue);

    /// <summary>Replaces the set; returns the queues that were resumed.</summary>
    public IReadOnlyList<string> Update(HashSet<string> paused)
    {
        var before = _paused;
        _paused = paused;
        return before.Where(q => !paused.Contains(q)).ToList();
    }
}
