using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Monitoring;

public sealed partial class JobsMonitor
{
    /// <summary>The most jobs <see cref="LookupAsync"/> returns per way of matching.</summary>
    public const int LookupLimit = 2;

    /// <summary>
    /// The jobs that <paramref name="text"/> names exactly: as an id (<c>29</c> or <c>#29</c>), an
    /// idempotency key (of any kind), a correlation id or a tag; at most <see cref="LookupLimit"/> per
    /// way, each through an index whatever the size of the table. Exactly one distinct
    /// id means the text names one job. Text no job could hold (a NUL, broken Unicode) names none.
    /// </summary>
    public async Task<IReadOnlyList<JobMatch>> LookupAsync(string text, CancellationToken cancellationToken = default)
    {
        text = text.Trim();
        if (text.Length == 0 || StorableText.Problem(text) is not null)
        {
            return [];
        }
        var id = JobFilterSql.JobId(text);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Every probe has its index; a scan would read the whole table for a text nothing holds.
        await connection.ExecuteAsync(new CommandDefinition("set local enable_seqscan = off", transaction: transaction, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<(long Id, string How)>(new CommandDefinition(
            Sql.Lookup, new { id, text, limit = LookupLimit }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => new JobMatch(r.Id, r.How)).ToList();
    }
}

/// <summary>A job that a looked-up text names.</summary>
/// <param name="Id">The job.</param>
/// <param name="How">What the text matched: <c>id</c>, <c>idempotency key</c>, <c>correlation id</c> or <c>tag</c>.</param>
public sealed record JobMatch(long Id, string How);
