using System.ComponentModel.DataAnnotations;

namespace Jobs.Engine.Recurring;

/// <summary>
/// A recurring schedule: a cron expression in a time zone that enqueues a job of one kind at every
/// fire time. Declared in code or under <c>Jobs:Recurring:Schedules:{name}</c>.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>
    /// Cron with 5 fields (minute hour day month weekday) or 6 (seconds first), with <c>L</c>,
    /// <c>W</c> and <c>#</c> in the day fields, or one of <c>@yearly @monthly @weekly @daily @hourly
    /// @every_minute @every_second</c>; read by Cronos, as in Hangfire.
    /// </summary>
    [Required]
    public string Cron { get; set; } = "";

    /// <summary>The IANA time zone the cron expression is read in. The default value is <c>UTC</c>.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The kind of job to enqueue.</summary>
    [Required]
    public string Kind { get; set; } = "";

    /// <summary>The job's arguments as a JSON object. The default value is <c>{}</c>.</summary>
    public string ArgsJson { get; set; } = "{}";

    /// <summary>The queue; the kind's queue when unset.</summary>
    public string? Queue { get; set; }

    /// <summary>The priority; the kind's when unset.</summary>
    [Range(short.MinValue, short.MaxValue)]
    public int? Priority { get; set; }

    /// <summary>Attempts; the kind's when unset.</summary>
    [Range(1, short.MaxValue)]
    public int? MaxAttempts { get; set; }

    /// <summary>Timeout of each attempt; the kind's when unset.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Tags put on every job the schedule enqueues.</summary>
    public IList<string>? Tags { get; set; }

    /// <summary>The partition key for concurrency limits.</summary>
    public string? PartitionKey { get; set; }

    /// <summary>What to do with missed fire times. The default value is <see cref="MisfirePolicy.Once"/>.</summary>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.Once;
}
