using Jobs.Engine.States;
using Jobs.Engine.Storage;
using Npgsql;

namespace Jobs.Engine.Client;

/// <summary>
/// Brings jobs from another system (a Hangfire.PostgreSql database, say) into the engine in the state
/// they had there: waiting (available, or scheduled at their time), retrying (with the attempts they
/// spent and their last error, due at their retry time) or dead (with the error that killed them, so
/// operators find them in the dead letter and can requeue them). Each request should carry an
/// idempotency key derived from the job's id in the source: an import run again creates nothing twice.
/// </summary>
public sealed class JobImports(IJobClient jobs, JobsDatabase database)
{
    /// <summary>
    /// Enqueues the jobs in one transaction and gives the new ones their state. With
    /// <paramref name="dryRun"/> the transaction is rolled back: the answer says what an import would
    /// create, and nothing is written.
    /// </summary>
    public async Task<IReadOnlyList<EnqueuedJob>> ImportAsync(IReadOnlyList<ImportedJob> imported, bool dryRun = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imported);
        foreach (var job in imported)
        {
            job.Validate();
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var enqueued = await jobs.EnqueueManyAsync(transaction, imported.Select(j => j.Request).ToList(), cancellationToken);
        var failed = imported.Zip(enqueued).Where(p => p.Second.Created && p.First.State is JobState.Retrying or JobState.Dead).ToList();
        if (failed.Count > 0)
        {
            await using var command = new NpgsqlCommand(database.Sql.ImportStates, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long[]>("ids", failed.Select(f => f.Second.Id).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string[]>("states", failed.Select(f => f.First.State.ToDb()).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<short[]>("attempts", failed.Select(f => (short)f.First.AttemptsSpent).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string[]>("errors", failed.Select(f => ErrorJson.Write(f.First.LastError!)).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("failed_at", failed.Select(f => f.First.LastError!.At.UtcDateTime).ToArray()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return enqueued;
    }
}

/// <summary>A job to import and the state it had.</summary>
/// <param name="Request">The job: for a retrying job, <see cref="EnqueueOptions.RunAt"/> is its retry time.</param>
public sealed record ImportedJob(JobRequest Request)
{
    /// <summary>Available or scheduled (as the request's time says), retrying or dead. The default value is <see cref="JobState.Available"/>.</summary>
    public JobState State { get; init; } = JobState.Available;

    /// <summary>Attempts it spent (retrying and dead jobs), at least 1 and fewer than the request's max attempts when retrying.</summary>
    public int AttemptsSpent { get; init; }

    /// <summary>The error of its last attempt (retrying and dead jobs).</summary>
    public JobError? LastError { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong with the state given.</summary>
    public void Validate()
    {
        switch (State)
        {
            case JobState.Available or JobState.Scheduled:
                return;
            case JobState.Retrying or JobState.Dead:
                ArgumentOutOfRangeException.ThrowIfLessThan(AttemptsSpent, 1, nameof(AttemptsSpent));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(AttemptsSpent, short.MaxValue, nameof(AttemptsSpent));
                ArgumentNullException.ThrowIfNull(LastError, nameof(LastError));
                if (State == JobState.Retrying && Request.Options?.MaxAttempts is { } max && AttemptsSpent >= max)
                {
                    throw new ArgumentException($"A retrying job has attempts left: {AttemptsSpent} spent of {max}.", nameof(AttemptsSpent));
                }
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(State), State, "A job is imported available, scheduled, retrying or dead.");
        }
    }
}
