using System.Globalization;
using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Recurring;

/// <summary>The job a schedule enqueues for a fire time.</summary>
internal static class ScheduleJobs
{
    /// <summary>
    /// The request for one fire time. Its idempotency key names the schedule and the fire time, so
    /// the same fire time enqueued by two schedulers is one job.
    /// </summary>
    public static JobRequest ForFire(ScheduleRow row, DateTimeOffset fireAt) =>
        Create(row, fireAt, $"schedule:{row.name}:{Stamp(fireAt)}", new Dictionary<string, string>
        {
            ["schedule"] = row.name,
            ["fire_at"] = Stamp(fireAt),
        });

    /// <summary>The request for a manual trigger: runs now, no key.</summary>
    public static JobRequest ForTrigger(ScheduleRow row) =>
        Create(row, null, null, new Dictionary<string, string> { ["schedule"] = row.name, ["triggered"] = "manual" });

    private static JobRequest Create(ScheduleRow row, DateTimeOffset? runAt, string? key, Dictionary<string, string> metadata)
    {
        using var args = JsonDocument.Parse(row.args_json);
        return new JobRequest(row.kind, args.RootElement.Clone(), new EnqueueOptions
        {
            Queue = row.queue,
            Priority = row.priority,
            MaxAttempts = row.max_attempts,
            Timeout = row.timeout_ms is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Tags = row.tags,
            PartitionKey = row.partition_key,
            RunAt = runAt,
            IdempotencyKey = key,
            Metadata = metadata,
        });
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
