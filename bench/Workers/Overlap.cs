namespace Jobs.Workers.Bench;

internal static class Overlap
{
    /// <summary>
    /// The most runs in progress at one instant. An end at the same tick as another run's start counts
    /// first: back to back is not at once.
    /// </summary>
    public static int Max(IEnumerable<RunLog.Run> runs)
    {
        var events = runs.SelectMany(r => new[] { (At: r.Start, Delta: 1), (At: r.End, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta);
        int now = 0, max = 0;
        foreach (var e in events)
        {
            now += e.Delta;
            max = Math.Max(max, now);
        }
        return max;
    }
}
