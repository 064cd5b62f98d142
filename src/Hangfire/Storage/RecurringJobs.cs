using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Jobs.Engine;
using Jobs.Engine.Recurring;
using Jobs.Hangfire.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Hangfire's recurring jobs (the hash <c>recurring-job:{id}</c> and the set <c>recurring-jobs</c>)
/// as engine schedules named by the recurring job id. The engine's scheduler fires them, exactly once
/// per fire time however many servers run, and parses the cron expression and time zone itself.
/// What Hangfire's own scheduler keeps in the hash (next and last execution, retry attempts, errors)
/// is the engine's to keep and is read back from the schedule.
/// </summary>
internal static class RecurringJobs
{
    public const string SetKey = "recurring-jobs";
    private const string HashPrefix = "recurring-job:";
    private static readonly string[] ScheduleFields = ["Job", "Cron", "TimeZoneId", "Queue", "Misfire"];

    public static bool TryParseHashKey(string key, out string name)
    {
        ArgumentNullException.ThrowIfNull(key);
        name = key.StartsWith(HashPrefix, StringComparison.Ordinal) ? key[HashPrefix.Length..] : "";
        return name.Length > 0;
    }

    public static HashSet<string> Names(JobsStorage storage) =>
        JobsStorageConnection.Wait(storage.Engine.Schedules.ListAsync())
            .Where(s => HangfireInvocation.IsHangfireKind(s.Kind))
            .Select(s => s.Name)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The recurring job's hash as Hangfire's recurring job manager reads it, or null when there is none.</summary>
    public static Dictionary<string, string>? Hash(JobsStorage storage, string name)
    {
        var schedule = JobsStorageConnection.Wait(storage.Engine.Schedules.GetAsync(name));
        if (schedule is null || HangfireInvocation.Read(schedule.Kind, schedule.ArgsJson) is not { } args)
        {
            return null;
        }
        var hash = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Job"] = HangfireInvocation.ToInvocationData(args).SerializePayload(),
            ["Cron"] = schedule.Cron,
            ["TimeZoneId"] = schedule.TimeZone,
            ["Queue"] = schedule.Queue ?? global::Hangfire.States.EnqueuedState.DefaultQueue,
            ["Misfire"] = ((int)MisfireOf(schedule.Misfire)).ToString(CultureInfo.InvariantCulture),
            ["V"] = "2",
        };
        if (schedule.NextFireAt is { } next)
        {
            hash["NextExecution"] = JobHelper.SerializeDateTime(next.UtcDateTime);
        }
        if (schedule.LastFireAt is { } last)
        {
            hash["LastExecution"] = JobHelper.SerializeDateTime(last.UtcDateTime);
        }
        if (schedule.LastJobId is { } lastJob)
        {
            hash["LastJobId"] = HangfireIds.Format(lastJob);
        }
        return hash;
    }

    /// <summary>
    /// Checks what a transaction writes to a recurring job's hash and returns the schedule upsert to
    /// run at commit, or null when only fields the engine keeps itself changed.
    /// </summary>
    /// <param name="storage">The storage.</param>
    /// <param name="name">The recurring job id.</param>
    /// <param name="fields">What the transaction writes.</param>
    /// <param name="withoutCode">
    /// True when the job's type may not be loadable in this process (an import from another
    /// installation): its attributes cannot be read then, and Hangfire's defaults apply (the global
    /// retry filter's 10 retries, the hash's queue) instead of failing.
    /// </param>
    public static Action? Plan(JobsStorage storage, string name, IReadOnlyDictionary<string, string> fields, bool withoutCode = false)
    {
        if (!ScheduleFields.Any(fields.ContainsKey))
        {
            return null;
        }
        var existing = JobsStorageConnection.Wait(storage.Engine.Schedules.GetAsync(name));
        var existingArgs = existing is null ? null : HangfireInvocation.Read(existing.Kind, existing.ArgsJson);
        var data = fields.GetValueOrDefault("Job") is { Length: > 0 } payload
            ? InvocationData.DeserializePayload(payload)
            : existingArgs is not null
                ? HangfireInvocation.ToInvocationData(existingArgs)
                : throw new InvalidOperationException($"Recurring job '{name}' has no job to run (its 'Job' field is missing).");
        Job? job;
        try
        {
            job = data.DeserializeJob();
        }
        catch (JobLoadException) when (withoutCode)
        {
            job = null;
        }
        var policy = job is null ? HangfireJobPolicy.WithoutCode : HangfireJobPolicy.For(job, storage.FilterProvider);
        var args = policy.Args(HangfireInvocation.ToArgs(data, null));
        var stateQueue = fields.GetValueOrDefault("Queue") ?? existing?.Queue;
        var schedule = new ScheduleOptions
        {
            Cron = fields.GetValueOrDefault("Cron") ?? existing?.Cron
                ?? throw new InvalidOperationException($"Recurring job '{name}' has no cron expression."),
            TimeZone = fields.GetValueOrDefault("TimeZoneId") ?? existing?.TimeZone ?? "UTC",
            Kind = policy.Kind,
            ArgsJson = JsonSerializer.Serialize(args, args.GetType(), JobJson.Options),
            Queue = job is null ? stateQueue ?? global::Hangfire.States.EnqueuedState.DefaultQueue : policy.QueueFor(job, stateQueue),
            MaxAttempts = policy.MaxAttempts,
            PartitionKey = policy.PartitionKey,
            Misfire = fields.GetValueOrDefault("Misfire") is { } misfire
                ? PolicyOf((MisfireHandlingMode)Enum.Parse(typeof(MisfireHandlingMode), misfire))
                : existing?.Misfire ?? MisfirePolicy.Once,
        };
        // The engine parses the cron expression and the time zone: one it cannot read fails the commit, naming it.
        return () => JobsStorageConnection.Wait(storage.Engine.Schedules.AddOrUpdateAsync(name, schedule));
    }

    public static void Apply(JobsStorage storage, string name, IReadOnlyDictionary<string, string> fields, bool remove)
    {
        if (remove)
        {
            JobsStorageConnection.Wait(storage.Engine.Schedules.RemoveAsync(name));
            return;
        }
        Plan(storage, name, fields)?.Invoke();
    }

    // Relaxed (Hangfire's default) fires once for missed times, Strict fires each, Ignorable none.
    private static MisfirePolicy PolicyOf(MisfireHandlingMode mode) => mode switch
    {
        MisfireHandlingMode.Strict => MisfirePolicy.All,
        MisfireHandlingMode.Ignorable => MisfirePolicy.Skip,
        _ => MisfirePolicy.Once,
    };

    private static MisfireHandlingMode MisfireOf(MisfirePolicy policy) => policy switch
    {
        MisfirePolicy.All => MisfireHandlingMode.Strict,
        MisfirePolicy.Skip => MisfireHandlingMode.Ignorable,
        _ => MisfireHandlingMode.Relaxed,
    };
}
