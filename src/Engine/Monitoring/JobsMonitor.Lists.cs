using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Monitoring;

public sealed partial class JobsMonitor
{
    /// <summary>
    /// A page of jobs matching a filter, in the order its <see cref="JobPage.Order"/> names.
    /// Throws <see cref="ArgumentException"/> for a cursor that does not belong to this list.
    /// </summary>
    public async Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 500);
        var plan = JobListPlan.For(query.Filter);
        var (where, parameters) = JobFilterSql.Build(query.Filter);
        if (plan.Condition is { } condition)
        {
            where += " and " + condition;
        }
        if (query.Cursor is { } cursor)
        {
            if (!plan.TryBindCursor(cursor, parameters))
            {
                throw new ArgumentException(ForeignCursor, nameof(query));
            }
            where += " and " + plan.CursorCondition;
        }

        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        long? floor = null;
        if (plan.Windowed)
        {
            var top = query.Cursor is null
                ? await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql.MaxJobId, cancellationToken: cancellationToken)) + 1
                : parameters.Get<long>("c_id");
            floor = Math.Max(0, top - plan.Window);
            where += " and j.id >= @c_floor";
            parameters.Add("c_floor", floor.Value);
        }
        parameters.Add("limit", query.Limit);
        List<JobSummary> jobs;
        string? lastSortKey;
        try
        {
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                Sql.ListPage(where, plan.Order, plan.SortTime), parameters, cancellationToken: cancellationToken));
            (jobs, lastSortKey) = await JobReader.ReadSummariesAsync(reader, cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (query.Cursor is not null && e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // The cursor's time was not a time (class 22: data exception): altered.
            throw new ArgumentException(ForeignCursor, nameof(query), e);
        }

        if (jobs.Count == query.Limit)
        {
            return new JobPage(jobs, plan.CursorAfter(jobs[^1].Id, lastSortKey), plan.OrderText, null);
        }
        // Fewer than asked: the end of the list, or of this page's window of ids.
        return floor is > 0
            ? new JobPage(jobs, JobListPlan.CursorBelow(floor.Value), plan.OrderText, floor)
            : new JobPage(jobs, null, plan.OrderText, null);
    }

    private const string ForeignCursor = "The cursor does not belong to this list (it was made for other filters, or altered).";

    /// <summary>How long a bulk preview counts before it settles for the planner's estimate.</summary>
    internal TimeSpan CountBudget { get; set; } = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// How many jobs match a filter, for the preview of a bulk action: exact up to
    /// <see cref="PreviewCap"/> when counting takes less than a moment; when it would take longer
    /// (many matching rows spread over a large table), the planner's estimate, marked as such.
    /// </summary>
    public async Task<CountResult> CountAsync(JobFilter filter, CancellationToken cancellationToken = default)
    {
        var (where, parameters) = JobFilterSql.Build(filter);
        parameters.Add("cap", PreviewCap + 1);
        await using var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // The server stops the count at the budget; nothing is lost but the exact number.
            await connection.ExecuteAsync(new CommandDefinition(
                $"set local statement_timeout = {Math.Max(1, (int)CountBudget.TotalMilliseconds)}", transaction: transaction, cancellationToken: cancellationToken));
            try
            {
                var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    Sql.CountMatching(where), parameters, transaction, cancellationToken: cancellationToken));
                return count > PreviewCap ? new CountResult(PreviewCap, false) : new CountResult(count, true);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested)
            {
                // Out of time: fall through to the estimate, outside the aborted transaction.
            }
        }
        // The rows the planner expects the matching rows' scan to return (a Gather's estimate is the total of its workers').
        var plan = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            Sql.ExplainMatching(where), parameters, cancellationToken: cancellationToken));
        using var document = System.Text.Json.JsonDocument.Parse(plan!);
        return new CountResult((long)document.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble(), false) { Estimated = true };
    }
}

public sealed partial class JobsMonitor
{
    // A reference, so concurrent requests swap it whole (a tuple could be read half written).
    private volatile CountsAt? _stateCounts;

    private sealed record CountsAt(DateTimeOffset At, IReadOnlyList<StateCount> Counts);

    /// <summary>
    /// <see cref="CountByStateAsync(CancellationToken)"/>, answered from the last count when it is younger
    /// than <paramref name="maxAge"/>: pages that refresh themselves every few seconds, open in many
    /// browsers, count once per <paramref name="maxAge"/> per process.
    /// </summary>
    public async Task<IReadOnlyList<StateCount>> CountByStateAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        if (_stateCounts is { } last && now - last.At < maxAge && now >= last.At)
        {
            return last.Counts;
        }
        var counts = await CountByStateAsync(cancellationToken);
        _stateCounts = new CountsAt(now, counts);
        return counts;
    }

    /// <summary>How long a filtered list's state counts may take before the tabs go without them (they come with every page and every refresh).</summary>
    internal TimeSpan TabsCountBudget { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Jobs matching a filter per state (its own state criterion ignored), for a filtered list's
    /// state tabs: exact while at most <see cref="CountCap"/> jobs match in all; past that, each
    /// state's count is what was counted (a lower bound, marked not exact); when counting takes longer
    /// than <see cref="TabsCountBudget"/>, no state has a count (null). Unfiltered lists use
    /// <see cref="CountByStateAsync(CancellationToken)"/>.
    /// </summary>
    public async Task<IReadOnlyList<StateCount>> CountByStateAsync(JobFilter filter, CancellationToken cancellationToken = default)
    {
        var (where, parameters) = JobFilterSql.Build(filter with { States = null });
        parameters.Add("cap", CountCap + 1);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"set local statement_timeout = {Math.Max(1, (int)TabsCountBudget.TotalMilliseconds)}", transaction: transaction, cancellationToken: cancellationToken));
        Dictionary<string, long> counted;
        try
        {
            counted = (await connection.QueryAsync<(string State, long Jobs)>(new CommandDefinition(
                Sql.CountByStateMatching(where), parameters, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.State, r => r.Jobs);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested)
        {
            return Enum.GetValues<States.JobState>().Select(s => new StateCount(s, null, false)).ToList();
        }
        var exact = counted.Values.Sum() <= CountCap;
        return Enum.GetValues<States.JobState>().Select(s => new StateCount(s, counted.GetValueOrDefault(States.JobStates.ToDb(s)), exact)).ToList();
    }
}
