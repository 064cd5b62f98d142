using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Jobs.Hangfire.Import;

/// <summary>
/// Reads a Hangfire.PostgreSql database (its tables as of schema version 3 to 23: job, state,
/// jobparameter, jobqueue, set, hash), only ever inside a read-only transaction, so the source cannot
/// be changed by the import whatever goes wrong. Jobs are read in id order, in batches.
/// </summary>
internal sealed partial class HangfirePostgreSqlSource(NpgsqlDataSource source, string schema)
{
    /// <summary>The Hangfire job states the import brings over; the others are only counted.</summary>
    public static readonly string[] ImportedStates = ["Enqueued", "Scheduled", "Failed"];

    private readonly string _s = SchemaName().IsMatch(schema)
        ? $"\"{schema}\""
        : throw new ArgumentException($"--schema '{schema}' is not a schema name (letters, digits and underscores).", nameof(schema));

    public async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken);
        try
        {
            // One snapshot for the whole read, and no way to write.
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("set transaction read only", transaction: transaction, cancellationToken: cancellationToken));
            var found = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select to_regclass(@job) is not null and to_regclass(@state) is not null and to_regclass(@hash) is not null",
                new { job = $"{_s}.job", state = $"{_s}.state", hash = $"{_s}.hash" }, transaction, cancellationToken: cancellationToken));
            if (!found)
            {
                throw new ArgumentException($"No Hangfire.PostgreSql tables (job, state, hash) in schema {_s} of the source database.");
            }
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next batch of jobs in the imported states, after <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<SourceJob>> JobsAsync(NpgsqlTransaction transaction, long afterId, int batch, CancellationToken cancellationToken) =>
        (await transaction.Connection!.QueryAsync<SourceJob>(new CommandDefinition($"""
            select j.id, j.statename as state, j.invocationdata::text as invocation, j.arguments::text as arguments,
                   j.createdat::timestamptz as createdat, s.reason, s.data::text as statedata,
                   (select json_object_agg(p.name, p.value) from {_s}.jobparameter p where p.jobid = j.id)::text as parameters,
                   (select q.queue from {_s}.jobqueue q where q.jobid = j.id order by q.id desc limit 1) as queue,
                   (select f.data::text from {_s}.state f where f.jobid = j.id and f.name = 'Failed' order by f.id desc limit 1) as lastfailure,
                   exists (select 1 from {_s}.set r where r.key = 'retries' and r.value = j.id::text) as retrying
              from {_s}.job j
              left join {_s}.state s on s.id = j.stateid
             where j.statename = any(@states) and j.id > @afterId
             order by j.id
             limit @batch
            """, new { states = ImportedStates, afterId, batch }, transaction, cancellationToken: cancellationToken))).ToList();

    /// <summary>Jobs in the states the import leaves (processing, awaiting), by state.</summary>
    public async Task<IReadOnlyDictionary<string, long>> OtherStatesAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        (await transaction.Connection!.QueryAsync<(string State, long Jobs)>(new CommandDefinition(
            $"select statename, count(*) from {_s}.job where statename in ('Processing', 'Awaiting') group by statename",
            transaction: transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.State, r => r.Jobs);

    /// <summary>Every recurring job's hash (<c>recurring-job:{id}</c>), by id.</summary>
    public async Task<IReadOnlyDictionary<string, Dictionary<string, string>>> RecurringJobsAsync(NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var rows = await transaction.Connection!.QueryAsync<(string Key, string Field, string? Value)>(new CommandDefinition(
            $"select key, field, value from {_s}.hash where key like 'recurring-job:%' order by key, field",
            transaction: transaction, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Key["recurring-job:".Length..], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Where(r => r.Value is not null).ToDictionary(r => r.Field, r => r.Value!, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}

/// <summary>A Hangfire.PostgreSql job row with what the import needs of its state, parameters and queue.</summary>
internal sealed record SourceJob
{
    public long Id { get; init; }
    public string State { get; init; } = "";
    public string Invocation { get; init; } = "";
    public string Arguments { get; init; } = "[]";
    public DateTime CreatedAt { get; init; }
    public string? Reason { get; init; }
    public string? StateData { get; init; }
    public string? Parameters { get; init; }
    public string? Queue { get; init; }
    public string? LastFailure { get; init; }
    public bool Retrying { get; init; }
}
