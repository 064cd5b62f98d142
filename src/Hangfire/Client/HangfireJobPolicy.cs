using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Common;

namespace Jobs.Hangfire.Client;

/// <summary>
/// What Hangfire's attributes on a job's method and class (and the global filters) mean for its
/// engine job: its kind and partition (<c>[DisableConcurrentExecution]</c>), its attempts
/// (<c>[AutomaticRetry]</c>: Hangfire counts retries, the engine attempts, so Attempts = n is n + 1
/// attempts), its queue (<c>[Queue]</c>) and its display name (<c>[JobDisplayName]</c>).
/// </summary>
internal sealed record HangfireJobPolicy(string Kind, int MaxAttempts, string? PartitionKey, string? DisplayName, QueueAttribute? QueueAttribute = null)
{
    private const int MaxPartitionKey = 200;

    /// <summary>Each method's <c>[JobDisplayName]</c>, read once: attributes are read by reflection on every call otherwise.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, JobDisplayNameAttribute?> DisplayNames = new();

    /// <summary>
    /// The policy of a job whose type cannot be loaded here (an import from another installation):
    /// Hangfire's defaults, its global retry filter's 10 retries (11 attempts).
    /// </summary>
    public static readonly HangfireJobPolicy WithoutCode = new(HangfireJobArgs.Kind, 11, null, null);

    public static HangfireJobPolicy For(Job job, IJobFilterProvider filters)
    {
        var instances = filters.GetFilters(job).Select(f => f.Instance).ToList();
        var retry = instances.OfType<AutomaticRetryAttribute>().FirstOrDefault();
        // No retry filter at all (removed from the global filters): a failure is final, as in Hangfire.
        var attempts = retry is null ? 1 : Math.Min((long)Math.Max(retry.Attempts, 0) + 1, short.MaxValue);
        var exclusive = instances.OfType<DisableConcurrentExecutionAttribute>().FirstOrDefault();
        return new HangfireJobPolicy(
            exclusive is null ? HangfireJobArgs.Kind : ExclusiveHangfireJobArgs.Kind,
            (int)attempts,
            exclusive is null ? null : PartitionKeyFor(exclusive, job),
            DisplayNameOf(job),
            instances.OfType<QueueAttribute>().FirstOrDefault());
    }

    /// <summary>
    /// The queue the job goes to when it becomes enqueued from <paramref name="stateQueue"/> (the queue
    /// of its Enqueued state, <c>default</c> unless set): <c>[Queue]</c> wins over it, and a queue
    /// given on the job itself wins over <c>default</c>, as Hangfire's Enqueued state handler decides.
    /// </summary>
    public string QueueFor(Job job, string? stateQueue)
    {
        var queue = stateQueue ?? global::Hangfire.States.EnqueuedState.DefaultQueue;
        if (QueueAttribute is { } attribute)
        {
            queue = string.Format(CultureInfo.InvariantCulture, attribute.Queue, job.Args.ToArray());
        }
        return job.Queue is null || !global::Hangfire.States.EnqueuedState.DefaultQueue.Equals(queue, StringComparison.OrdinalIgnoreCase)
            ? queue
            : job.Queue;
    }

    public HangfireInvocationArgs Args(HangfireJobArgs args) =>
        Kind == ExclusiveHangfireJobArgs.Kind
            ? new ExclusiveHangfireJobArgs(args.Type, args.Method, args.ParameterTypes, args.Arguments, args.Queue, args.Parameters)
            : args;

    /// <summary>Hangfire's lock resource of the method, which becomes the partition key limited to one running job.</summary>
    private static string PartitionKeyFor(DisableConcurrentExecutionAttribute attribute, Job job)
    {
        var key = string.IsNullOrWhiteSpace(attribute.Resource)
            ? $"{(job.Type.IsGenericType ? job.Type.ToString() : job.Type.FullName)}.{job.Method.Name}"
            : string.Format(CultureInfo.InvariantCulture, attribute.Resource, job.Args.ToArray()).ToLowerInvariant();
        if (key.Length <= MaxPartitionKey)
        {
            return key;
        }
        // Too long for a partition key: keep its start readable and make it unique with a hash.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return key[..(MaxPartitionKey - 17)] + "#" + hash;
    }

    private static string? DisplayNameOf(Job job)
    {
        if (DisplayNames.GetOrAdd(job.Method, m => m.GetCustomAttribute<JobDisplayNameAttribute>()) is not { } attribute)
        {
            return null;
        }
        try
        {
            return attribute.Format(null!, job);
        }
        catch (FormatException)
        {
            return attribute.DisplayName;
        }
    }
}
