using System.Text.Json;

namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>
/// A recurring schedule to create, or (for a PATCH) the fields to change: a field left out stays as
/// it is. Only <c>name</c>, <c>cron</c> and <c>kind</c> are required at creation.
/// </summary>
public sealed record ScheduleRequest
{
    /// <summary>The schedule's name: 1 to 200 letters, digits or <c>_ . : -</c>. Required at creation; not changed by a PATCH.</summary>
    public string? Name { get; init; }

    /// <summary>Cron: 5 fields (minute hour day month weekday), 6 with seconds first, or a macro such as <c>@daily</c>.</summary>
    public string? Cron { get; init; }

    /// <summary>The IANA time zone the cron is read in. The default value is <c>UTC</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The kind of job each fire enqueues.</summary>
    public string? Kind { get; init; }

    /// <summary>The job's arguments, a JSON object checked against the kind's arguments. The default value is <c>{}</c>.</summary>
    public JsonElement? Args { get; init; }

    /// <summary>The queue; the kind's queue when left out.</summary>
    public string? Queue { get; init; }

    /// <summary>Fire times missed while nothing ran: <c>once</c> (the default), <c>skip</c> or <c>all</c>.</summary>
    public string? Misfire { get; init; }

    /// <summary>The jobs' priority; the kind's when left out.</summary>
    public int? Priority { get; init; }

    /// <summary>The jobs' attempts; the kind's when left out.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Tags put on every job it enqueues.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
}

/// <summary>A recurring schedule.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Cron">The cron expression.</param>
/// <param name="TimeZone">The IANA time zone it is read in.</param>
/// <param name="Kind">The kind of job it enqueues.</param>
/// <param name="Args">The job's arguments.</param>
/// <param name="Queue">The queue, when it sets one.</param>
/// <param name="Priority">The priority, when it sets one.</param>
/// <param name="MaxAttempts">The attempts, when it sets them.</param>
/// <param name="Tags">Tags put on its jobs.</param>
/// <param name="Misfire">What happens to missed fire times: once, skip or all.</param>
/// <param name="Owner"><c>code</c> when declared in code or configuration (read-only here: the next start writes it back), <c>operator</c> when made at run time.</param>
/// <param name="Paused">True while paused.</param>
/// <param name="NextFireAt">The next fire time (null while paused).</param>
/// <param name="NextFires">The next five fire times from now (whether paused or not).</param>
/// <param name="LastFireAt">The latest fire time.</param>
/// <param name="LastJobId">The job its latest fire or trigger enqueued.</param>
/// <param name="LastJobState">That job's state; null before the first fire or once pruned.</param>
public sealed record ScheduleResponse(
    string Name, string Cron, string TimeZone, string Kind, JsonElement Args, string? Queue, int? Priority, int? MaxAttempts,
    IReadOnlyList<string> Tags, string Misfire, string Owner, bool Paused, DateTimeOffset? NextFireAt, IReadOnlyList<DateTimeOffset> NextFires,
    DateTimeOffset? LastFireAt, long? LastJobId, string? LastJobState);

/// <summary>A manual fire.</summary>
/// <param name="Name">The schedule.</param>
/// <param name="JobId">The job it enqueued.</param>
public sealed record TriggeredScheduleResponse(string Name, long JobId);
