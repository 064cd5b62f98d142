namespace Jobs.Inventory.Snapshots;

/// <summary>The bad lines of a snapshot: the first few in full, and how many there are.</summary>
internal sealed class SnapshotErrors
{
    /// <summary>How many bad lines the message names.</summary>
    public const int Shown = 5;

    private readonly List<string> _shown = [];

    /// <summary>How many bad lines were found.</summary>
    public long Count { get; private set; }

    public void Add(int line, string problem)
    {
        Count++;
        if (_shown.Count < Shown)
        {
            _shown.Add($"line {line}: {problem}");
        }
    }

    /// <summary>Sets the total when a query found more bad lines than it returned.</summary>
    public void SetTotal(long total) => Count = Math.Max(Count, total);

    /// <summary>The reason the job fails with, e.g. <c>Snapshot WH1/2024-06-01 is malformed: 7 bad lines (line 3: ...; ...; and 2 more). Nothing was applied.</c></summary>
    public string Describe(string snapshot)
    {
        var more = Count > _shown.Count ? $"; and {Count - _shown.Count} more" : "";
        var lines = Count == 1 ? "1 bad line" : $"{Count} bad lines";
        return $"Snapshot {snapshot} is malformed: {lines} ({string.Join("; ", _shown)}{more}). Nothing was applied.";
    }
}
