namespace Jobs.Engine.Storage;

/// <summary>Recurring schedules: declared and operator-made, due, fired, triggered, paused.</summary>
internal sealed partial class JobSql
{
    private const string ScheduleColumnList =
        "name, cron, time_zone, kind, args::text as args_json, queue, priority, max_attempts, timeout_ms, tags, " +
        "partition_key, misfire, declared, paused_at, next_fire_at, last_fire_at, last_job_id";

    // Keeps the next fire time unless the timing changed, so redeclaring a schedule at every start
    // neither skips nor repeats a fire.
    public string UpsertSchedule { get; } = $"""
        insert into {s}.schedule as t (name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms,
                                       tags, partition_key, misfire, declared, next_fire_at)
        values (@name, @cron, @time_zone, @kind, @args::jsonb, @queue, @priority, @max_attempts, @timeout_ms,
                @tags, @partition_key, @misfire, @declared, @next_fire_at)
        on conflict (name) do update
           set cron = excluded.cron, time_zone = excluded.time_zone, kind = excluded.kind, args = excluded.args,
               queue = excluded.queue, priority = excluded.priority, max_attempts = excluded.max_attempts,
               timeout_ms = excluded.timeout_ms, tags = excluded.tags, partition_key = excluded.partition_key,
               misfire = excluded.misfire, declared = excluded.declared, updated_at = now(),
               next_fire_at = case when t.cron <> excluded.cron or t.time_zone <> excluded.time_zone or t.next_fire_at is null
                                   then excluded.next_fire_at else t.next_fire_at end
        """;

    // An operator's new schedule: never replaces one (declared or not) that holds the name.
    public string InsertSchedule { get; } = $"""
        insert into {s}.schedule (name, cron, time_zone, kind, args, queue, priority, max_attempts, timeout_ms,
                                  tags, partition_key, misfire, declared, next_fire_at)
        values (@name, @cron, @time_zone, @kind, @args::jsonb, @queue, @priority, @max_attempts, @timeout_ms,
                @tags, @partition_key, @misfire, false, @next_fire_at)
        on conflict (name) do nothing
        """;

    // An operator's edit: only of a schedule made at run time (a declared one is owned by its code).
    // The next fire time moves only when the timing changed, and never while paused.
    public string UpdateSchedule { get; } = $"""
        update {s}.schedule as t
           set cron = @cron, time_zone = @time_zone, kind = @kind, args = @args::jsonb, queue = @queue, priority = @priority,
               max_attempts = @max_attempts, timeout_ms = @timeout_ms, tags = @tags, partition_key = @partition_key,
               misfire = @misfire, updated_at = now(),
               next_fire_at = case when t.cron <> @cron or t.time_zone <> @time_zone or t.next_fire_at is null
                                   then @next_fire_at else t.next_fire_at end
         where t.name = @name and not t.declared
        """;

    public string RemoveUndeclaredSchedules { get; } = $"delete from {s}.schedule where declared and name <> all (@names)";

    public string DueSchedules { get; } = $"""
        select {ScheduleColumnList}
          from {s}.schedule
         where paused_at is null and next_fire_at <= @now
         order by next_fire_at
         limit 100
           for update skip locked
        """;

    public string ScheduleFired { get; } = $"""
        update {s}.schedule
           set next_fire_at = @next_fire_at, last_fire_at = coalesce(@last_fire_at, last_fire_at),
               last_job_id = coalesce(@last_job_id, last_job_id), updated_at = now()
         where name = @name
        """;

    // With the state of the job the latest fire enqueued (a primary-key probe per schedule): its outcome.
    public string ListSchedules { get; } =
        $"select {ScheduleColumnList}, (select j.state from {s}.job j where j.id = last_job_id) as last_job_state from {s}.schedule order by name";

    public string GetSchedule { get; } =
        $"select {ScheduleColumnList}, (select j.state from {s}.job j where j.id = last_job_id) as last_job_state from {s}.schedule where name = @name";

    // A manual trigger is a fire too (as in Hangfire, whose trigger sets LastExecution): it shows as the latest.
    public string ScheduleTriggered { get; } = $"update {s}.schedule set last_job_id = @job, last_fire_at = now(), updated_at = now() where name = @name";

    public string NextScheduleFire { get; } = $"select min(next_fire_at) from {s}.schedule where paused_at is null";

    public string PauseSchedule { get; } = $"update {s}.schedule set paused_at = coalesce(paused_at, now()), updated_at = now() where name = @name";

    public string ResumeSchedule { get; } = $"update {s}.schedule set paused_at = null, next_fire_at = @next_fire_at, updated_at = now() where name = @name";

    public string RemoveSchedule { get; } = $"delete from {s}.schedule where name = @name";
}
