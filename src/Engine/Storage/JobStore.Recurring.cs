using Dapper;
using Jobs.Engine.Client;
using Jobs.Engine.Recurring;
using Npgsql;

namespace Jobs.Engine.Storage;

internal sealed partial class JobStore
{
    /// <summary>Writes the declared schedules, and removes schedules declared before but not now when asked to.</summary>
    public async Task DeclareSchedulesAsync(IReadOnlyList<(string Name, ScheduleOptions Options, DateTimeOffset? Next)> schedules,
        bool removeUndeclared, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (name, options, next) in schedules)
        {
            await UpsertScheduleAsync(connection, transaction, name, options, next, declared: true, cancellationToken);
        }
        if (removeUndeclared)
        {
            await connection.ExecuteAsync(new CommandDefinition(Sql.RemoveUndeclaredSchedules,
                new { names = schedules.Select(s => s.Name).ToArray() }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpsertScheduleAsync(string name, ScheduleOptions options, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await UpsertScheduleAsync(connection, null, name, options, next, declared: false, cancellationToken);
    }

    /// <summary>Inserts a run-time schedule; false when the name is taken.</summary>
    public async Task<bool> InsertScheduleAsync(string name, ScheduleOptions options, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(Sql.InsertSchedule, ScheduleParameters(name, options, next, false),
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Replaces a run-time schedule's definition; false when there is none or it is declared.</summary>
    public Task<bool> UpdateScheduleAsync(string name, ScheduleOptions options, DateTimeOffset? next, CancellationToken cancellationToken) =>
        ExecuteOneAsync(Sql.UpdateSchedule, ScheduleParameters(name, options, next, false), cancellationToken);

    private Task UpsertScheduleAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, ScheduleOptions options,
        DateTimeOffset? next, bool declared, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Sql.UpsertSchedule, ScheduleParameters(name, options, next, declared), transaction,
            cancellationToken: cancellationToken));

    private static object ScheduleParameters(string name, ScheduleOptions options, DateTimeOffset? next, bool declared) => new
    {
        name,
        cron = options.Cron,
        time_zone = options.TimeZone,
        kind = options.Kind,
        args = options.ArgsJson,
        queue = options.Queue,
        priority = (short?)options.Priority,
        max_attempts = (short?)options.MaxAttempts,
        timeout_ms = options.Timeout is { } t ? (int?)Math.Ceiling(t.TotalMilliseconds) : null,
        tags = options.Tags?.ToArray(),
        partition_key = options.PartitionKey,
        misfire = options.Misfire.ToString().ToLowerInvariant(),
        declared,
        next_fire_at = next,
    };

    /// <summary>
    /// Fires the due schedules in one transaction: <paramref name="plan"/> says which jobs each
    /// enqueues and when it fires next. Schedules another scheduler is firing are skipped, and each
    /// job's idempotency key (schedule and fire time) makes a fire time yield one job however many
    /// schedulers see it. Returns the schedules fired and the next fire time of any schedule.
    /// </summary>
    public async Task<(int Fired, DateTimeOffset? NextFire)> FireDueSchedulesAsync(DateTimeOffset now,
        Func<ScheduleRow, SchedulePlan> plan, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var fired = 0;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var due = (await connection.QueryAsync<ScheduleRow>(new CommandDefinition(
                Sql.DueSchedules, new { now }, transaction, cancellationToken: cancellationToken))).ToList();
            if (due.Count > 0)
            {
                var plans = due.Select(row => (Row: row, Plan: plan(row))).ToList();
                var requests = plans.SelectMany(p => p.Plan.Jobs).ToList();
                var results = requests.Count > 0 ? await EnqueueAsync(requests, transaction, cancellationToken) : [];
                var offset = 0;
                foreach (var (row, schedulePlan) in plans)
                {
                    long? lastJob = schedulePlan.Jobs.Count > 0 ? results[offset + schedulePlan.Jobs.Count - 1].Id : null;
                    offset += schedulePlan.Jobs.Count;
                    fired += schedulePlan.Jobs.Count > 0 ? 1 : 0;
                    await connection.ExecuteAsync(new CommandDefinition(Sql.ScheduleFired, new
                    {
                        name = row.name,
                        next_fire_at = schedulePlan.Next,
                        last_fire_at = schedulePlan.LastFire,
                        last_job_id = lastJob,
                    }, transaction, cancellationToken: cancellationToken));
                }
            }
            await transaction.CommitAsync(cancellationToken);
        }
        var next = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(Sql.NextScheduleFire, cancellationToken: cancellationToken));
        return (fired, DbTime.Utc(next));
    }

    public async Task<List<ScheduleRow>> ListSchedulesAsync(string? name, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ScheduleRow>(new CommandDefinition(
            name is null ? Sql.ListSchedules : Sql.GetSchedule, new { name }, cancellationToken: cancellationToken))).ToList();
    }

    public Task<bool> PauseScheduleAsync(string name, CancellationToken cancellationToken) =>
        ExecuteOneAsync(Sql.PauseSchedule, new { name }, cancellationToken);

    public Task<bool> ResumeScheduleAsync(string name, DateTimeOffset? next, CancellationToken cancellationToken) =>
        ExecuteOneAsync(Sql.ResumeSchedule, new { name, next_fire_at = next }, cancellationToken);

    public Task<bool> RemoveScheduleAsync(string name, CancellationToken cancellationToken) =>
        ExecuteOneAsync(Sql.RemoveSchedule, new { name }, cancellationToken);

    public async Task<long> RecordTriggerAsync(string name, JobRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var job = (await EnqueueAsync([request], transaction, cancellationToken))[0];
        await connection.ExecuteAsync(new CommandDefinition(
            Sql.ScheduleTriggered, new { name, job = job.Id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return job.Id;
    }

    private async Task<bool> ExecuteOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)) == 1;
    }
}

/// <summary>What a due schedule does now: the jobs to enqueue, its next fire time, and the latest fire time among the jobs.</summary>
internal sealed record SchedulePlan(IReadOnlyList<JobRequest> Jobs, DateTimeOffset? Next, DateTimeOffset? LastFire);
