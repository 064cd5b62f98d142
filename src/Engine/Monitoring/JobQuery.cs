using System.ComponentModel.DataAnnotations;
using Jobs.Engine.Client;

namespace Jobs.Engine.Monitoring;

/// <summary>A page of a job list: a filter, where the previous page ended, and how many to show.</summary>
public sealed record JobQuery
{
    /// <summary>Which jobs.</summary>
    public JobFilter Filter { get; init; } = new();

    /// <summary>The <see cref="JobPage.NextCursor"/> of the previous page; null for the first page.</summary>
    public string? Cursor { get; init; }

    /// <summary>Jobs per page, 1 to 500. The default value is 50.</summary>
    [Range(1, 500)]
    public int Limit { get; init; } = 50;
}

/// <summary>One page of jobs.</summary>
/// <param name="Items">The jobs, in the list's order.</param>
/// <param name="NextCursor">Where the next page starts, or null at the end.</param>
/// <param name="Order">How the list is ordered, in words (it depends on the state filtered on).</param>
/// <param name="ScannedDownTo">
/// Set when the page stopped at the scan window rather than at its limit: filters that no index
/// answers look only at jobs down to this id per page, so a rare match never makes a page slow.
/// <paramref name="NextCursor"/> continues below it.
/// </param>
public sealed record JobPage(IReadOnlyList<JobSummary> Items, string? NextCursor, string Order, long? ScannedDownTo);
