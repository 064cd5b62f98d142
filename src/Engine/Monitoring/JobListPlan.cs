using System.Text.RegularExpressions;
using System.Text;
using System.Text.Json;
using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Engine.Monitoring;

/// <summary>
/// How a job list pages: along the index that holds the state filtered on (dead and cancelled by
/// when they died, scheduled and retrying by when they are due, running by when they started), or
/// newest first by id otherwise. Cursors carry the last row's sort key (keyset pagination, never
/// OFFSET). An id-ordered list with criteria no index answers reads a bounded window of ids per page.
/// </summary>
internal sealed partial class JobListPlan
{
    /// <summary>Ids an id-ordered page reads at most when its filter must read rows to decide.</summary>
    public const long ScanWindow = 100_000;

    /// <summary>Ids a page of a text search reads at most: matching text in args and errors costs about four times a plain filter per row.</summary>
    public const long SearchWindow = 25_000;

    private JobListPlan(string order, string orderText, string? sortTime, string cursorCondition, bool windowed, string? condition = null)
    {
        Condition = condition;
        Order = order;
        OrderText = orderText;
        SortTime = sortTime;
        CursorCondition = cursorCondition;
        Windowed = windowed;
    }

    /// <summary>An extra condition that steers the plan to the right index (it holds for every row of the list anyway).</summary>
    public string? Condition { get; }

    public string Order { get; }
    public string OrderText { get; }

    /// <summary>The time column the list orders by before the id, or null for an id-ordered list.</summary>
    public string? SortTime { get; }

    public string CursorCondition { get; }
    public bool Windowed { get; }

    /// <summary>How many ids a page of this list reads at most, when <see cref="Windowed"/>.</summary>
    public long Window { get; private init; } = ScanWindow;

    public static JobListPlan For(JobFilter filter)
    {
        var state = filter.States is [var only] ? only : (JobState?)null;
        var indexed = filter.Search is null && filter.Tag is null && filter.CorrelationId is null && filter.PartitionKey is null
            && filter.CreatedFrom is null && filter.CreatedTo is null;
        switch (state)
        {
            case JobState.Dead or JobState.Cancelled when indexed:
                return new JobListPlan("j.finalized_at desc, j.id desc", "most recently finished first", "j.finalized_at",
                    "(j.finalized_at, j.id) < (@c_time::timestamptz, @c_id)", false);
            case JobState.Scheduled or JobState.Retrying when indexed:
                return new JobListPlan("j.scheduled_at, j.id", "due soonest first", "j.scheduled_at",
                    "(j.scheduled_at, j.id) > (@c_time::timestamptz, @c_id)", false);
            case JobState.Running:
                return new JobListPlan("j.attempted_at, j.id", "running longest first", "j.attempted_at",
                    "(j.attempted_at, j.id) > (@c_time::timestamptz, @c_id)", false, "j.server_id is not null");
            default:
                // Every job matches an empty filter, and most jobs have succeeded: those pages
                // fill at once. Anything else may match rarely, so it reads a window of ids.
                var everyRowMatches = filter.IsEmpty || (state == JobState.Succeeded && indexed && filter.Kinds is null && filter.Queues is null);
                return new JobListPlan("j.id desc", "newest first", null, "j.id < @c_id", !everyRowMatches)
                {
                    Window = filter.Search is null ? ScanWindow : SearchWindow,
                };
        }
    }

    /// <summary>
    /// Adds the cursor's values as parameters; false when the cursor does not belong to this list. A
    /// time key is the database's own text of the row's time (exact, even where the time shown was
    /// made readable), cast back by the statement; text that merely looks like one fails there, and
    /// <see cref="JobsMonitor.ListAsync"/> answers it as a cursor that does not belong.
    /// </summary>
    public bool TryBindCursor(string cursor, DynamicParameters parameters)
    {
        try
        {
            var values = JsonSerializer.Deserialize<JsonElement[]>(Encoding.UTF8.GetString(Convert.FromBase64String(
                cursor.Replace('-', '+').Replace('_', '/') + new string('=', (4 - cursor.Length % 4) % 4))));
            if (values is null || values.Length != (SortTime is null ? 1 : 2))
            {
                return false;
            }
            if (SortTime is not null)
            {
                if (values[0].GetString() is not { } time || !TimeKey().IsMatch(time))
                {
                    return false;
                }
                parameters.Add("c_time", time);
            }
            parameters.Add("c_id", values[^1].GetInt64());
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The cursor of the page after a row: its id, and for a time-ordered list the database's exact text of its sort time.</summary>
    public string CursorAfter(long id, string? sortKey) => Encode(SortTime is null ? [id] : [sortKey!, id]);

    public static string CursorBelow(long id) => Encode([id]);

    private static string Encode(object[] key) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A time key: ISO 8601 with its era (as the list writes them; cursors made before took "O" times, without one), or an infinity.</summary>
    [GeneratedRegex(@"^(\d{4,}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})( AD| BC)?|-?infinity)$")]
    private static partial Regex TimeKey();
}
