using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Jobs.Engine.Client;
using Jobs.Engine.Storage;

namespace Jobs.Engine.Recurring;

/// <summary>The engine's <see cref="IScheduleClient"/>.</summary>
internal sealed class ScheduleClient(JobStore store, TimeProvider timeProvider) : IScheduleClient
{
    public async Task<IReadOnlyList<ScheduleInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        (await store.ListSchedulesAsync(null, cancellationToken)).Select(r => r.ToInfo()).ToList();

    public async Task<ScheduleInfo?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        (await store.ListSchedulesAsync(name, cancellationToken)).SingleOrDefault()?.ToInfo();

    public async Task AddOrUpdateAsync(string name, ScheduleOptions schedule, CancellationToken cancellationToken = default)
    {
        var cron = Validate(name, schedule);
        await store.UpsertScheduleAsync(name, schedule, cron.NextAfter(timeProvider.GetUtcNow()), cancellationToken);
    }

    public async Task<bool> CreateAsync(string name, ScheduleOptions schedule, CancellationToken cancellationToken = default)
    {
        var cron = Validate(name, schedule);
        return await store.InsertScheduleAsync(name, schedule, cron.NextAfter(timeProvider.GetUtcNow()), cancellationToken);
    }

    public async Task<bool> UpdateAsync(string name, ScheduleOptions schedule, CancellationToken cancellationToken = default)
    {
        var cron = Validate(name, schedule);
        return await store.UpdateScheduleAsync(name, schedule, cron.NextAfter(timeProvider.GetUtcNow()), cancellationToken);
    }

    public Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        store.RemoveScheduleAsync(name, cancellationToken);

    public Task<bool> PauseAsync(string name, CancellationToken cancellationToken = default) =>
        store.PauseScheduleAsync(name, cancellationToken);

    public async Task<bool> ResumeAsync(string name, CancellationToken cancellationToken = default)
    {
        var row = (await store.ListSchedulesAsync(name, cancellationToken)).SingleOrDefault();
        if (row is null)
        {
            return false;
        }
        var next = CronSchedule.Parse(row.cron, row.time_zone).NextAfter(timeProvider.GetUtcNow());
        return await store.ResumeScheduleAsync(name, next, cancellationToken);
    }

    public async Task<long?> TriggerAsync(string name, CancellationToken cancellationToken = default)
    {
        var row = (await store.ListSchedulesAsync(name, cancellationToken)).SingleOrDefault();
        return row is null ? null : await store.RecordTriggerAsync(name, ScheduleJobs.ForTrigger(row), cancellationToken);
    }

    public async Task<long> TriggerAsync(string name, JobRequest job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(job);
        return await store.RecordTriggerAsync(name, job, cancellationToken);
    }

    /// <summary>Checks a schedule, throwing <see cref="ArgumentException"/> that names the schedule and the problem.</summary>
    internal static CronSchedule Validate(string name, ScheduleOptions schedule) =>
        Check(name, schedule, out var cron) is { } problem
            ? throw new ArgumentException($"Schedule '{name}': {problem}", nameof(schedule))
            : cron!;

    /// <summary>What is wrong with a schedule, or null when it is valid (then <paramref name="cron"/> is parsed).</summary>
    internal static string? Check(string name, ScheduleOptions schedule, out CronSchedule? cron)
    {
        cron = null;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            return "the name must be 1 to 200 characters.";
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(schedule, new ValidationContext(schedule), results, validateAllProperties: true))
        {
            return string.Join("; ", results.Select(r => r.ErrorMessage));
        }
        if (schedule.Queue is { } queue && !QueueNames.IsValid(queue))
        {
            return $"queue '{queue}' is not a valid queue name (1 to 64 letters, digits or _ . : -).";
        }
        try
        {
            using var args = JsonDocument.Parse(schedule.ArgsJson);
            if (args.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "args must be a JSON object.";
            }
        }
        catch (JsonException e)
        {
            return $"args are not valid JSON: {e.Message}";
        }
        return CronSchedule.TryParse(schedule.Cron, schedule.TimeZone, out cron, out var problem) ? null : problem;
    }
}
