using System.Text;
using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Engine.Storage;

/// <summary>
/// Turns a <see cref="JobFilter"/> into a parameterized WHERE clause over alias <c>j</c>. Only the
/// criteria that are set appear in the SQL, so the planner sees plain conditions it can match to
/// the partial indexes.
/// </summary>
internal static class JobFilterSql
{
    public static (string Where, DynamicParameters Parameters) Build(JobFilter filter)
    {
        Check(filter);
        var sql = new StringBuilder("true");
        var p = new DynamicParameters();
        if (filter.Ids is { } ids)
        {
            sql.Append(" and j.id = any(@f_ids)");
            p.Add("f_ids", ids.ToArray());
        }
        if (filter.States is { } states)
        {
            // One state as a plain equality: it matches the partial indexes' predicates.
            if (states.Count == 1)
            {
                sql.Append(" and j.state = @f_state");
                p.Add("f_state", states[0].ToDb());
            }
            else
            {
                sql.Append(" and j.state = any(@f_states)");
                p.Add("f_states", states.Select(s => s.ToDb()).ToArray());
            }
        }
        if (filter.Kinds is { } kinds)
        {
            sql.Append(" and j.kind = any(@f_kinds)");
            p.Add("f_kinds", kinds.ToArray());
        }
        if (filter.Queues is { } queues)
        {
            sql.Append(" and j.queue = any(@f_queues)");
            p.Add("f_queues", queues.ToArray());
        }
        Add(sql, p, filter.PartitionKey, "j.partition_key = @f_partition", "f_partition");
        Add(sql, p, filter.Tag, "j.tags @> array[@f_tag]::text[]", "f_tag");
        Add(sql, p, filter.CorrelationId, "j.correlation_id = @f_correlation", "f_correlation");
        Add(sql, p, filter.Schedule, "j.metadata ->> 'schedule' = @f_schedule", "f_schedule");
        Add(sql, p, filter.CreatedFrom, "j.created_at >= @f_created_from", "f_created_from");
        Add(sql, p, filter.CreatedTo, "j.created_at < @f_created_to", "f_created_to");
        Add(sql, p, filter.FinalizedFrom, "j.finalized_at >= @f_finalized_from", "f_finalized_from");
        Add(sql, p, filter.FinalizedTo, "j.finalized_at < @f_finalized_to", "f_finalized_to");
        if (!string.IsNullOrEmpty(filter.Search))
        {
            // Besides text inside args, correlation id and errors, the search names a job exactly:
            // by id (29 or #29), idempotency key or tag.
            var id = JobId(filter.Search);
            sql.Append(" and (j.args::text ilike @f_search or j.correlation_id ilike @f_search or j.errors::text ilike @f_search")
               .Append(" or j.idempotency_key = @f_search_exact or j.tags @> array[@f_search_exact]::text[]")
               .Append(id is null ? ")" : " or j.id = @f_search_id)");
            p.Add("f_search", "%" + EscapeLike(filter.Search) + "%");
            p.Add("f_search_exact", filter.Search);
            if (id is not null)
            {
                p.Add("f_search_id", id.Value);
            }
        }
        Add(sql, p, filter.LastError is null ? null : Prefix(filter.LastError, LastErrorLength),
            $"left(j.errors -> -1 ->> 'error', {LastErrorLength}) = @f_last_error", "f_last_error");
        return (sql.ToString(), p);
    }

    /// <summary>
    /// Text criteria the database could not compare (a NUL, half of a surrogate pair) fail the whole
    /// statement without saying which: refused here, naming the criterion.
    /// </summary>
    private static void Check(JobFilter filter)
    {
        var texts = new (string Name, IEnumerable<string?>? Values)[]
        {
            (nameof(JobFilter.Kinds), filter.Kinds), (nameof(JobFilter.Queues), filter.Queues), (nameof(JobFilter.PartitionKey), [filter.PartitionKey]),
            (nameof(JobFilter.Tag), [filter.Tag]), (nameof(JobFilter.CorrelationId), [filter.CorrelationId]), (nameof(JobFilter.Search), [filter.Search]),
            (nameof(JobFilter.LastError), [filter.LastError]), (nameof(JobFilter.Schedule), [filter.Schedule]),
        };
        foreach (var (name, values) in texts)
        {
            foreach (var value in values ?? [])
            {
                if (StorableText.Problem(value) is { } problem)
                {
                    throw new ArgumentException($"JobFilter.{name} {problem}.", name);
                }
            }
        }
    }

    /// <summary>The first <paramref name="length"/> characters as PostgreSQL's left() counts them: code points, not UTF-16 units.</summary>
    private static string Prefix(string text, int length)
    {
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (length-- == 0)
            {
                break;
            }
            end += rune.Utf16SequenceLength;
        }
        return text[..end];
    }

    /// <summary>The job id a person typed (<c>29</c> or <c>#29</c>), or null when the text is not one.</summary>
    public static long? JobId(string text) =>
        long.TryParse(text.StartsWith('#') ? text[1..] : text, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>How much of the latest error message identifies a dead-letter group.</summary>
    public const int LastErrorLength = 300;

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    private static void Add<T>(StringBuilder sql, DynamicParameters p, T? value, string condition, string name)
    {
        if (value is not null)
        {
            sql.Append(" and ").Append(condition);
            p.Add(name, value);
        }
    }
}
