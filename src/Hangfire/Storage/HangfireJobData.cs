using Hangfire.Common;
using Hangfire.Storage;
using Jobs.Engine.Client;
using Jobs.Hangfire.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>An engine job as Hangfire's <see cref="JobData"/>.</summary>
internal static class HangfireJobData
{
    public static JobData From(JobInfo job)
    {
        var data = new JobData
        {
            State = HangfireStates.NameOf(job.State),
            CreatedAt = job.CreatedAt.UtcDateTime,
        };
        if (ReadInvocation(job) is { } args)
        {
            data.InvocationData = HangfireInvocation.ToInvocationData(args);
            data.ParametersSnapshot = args.Parameters?.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!)
                ?? new Dictionary<string, string>();
            try
            {
                data.Job = data.InvocationData.DeserializeJob();
            }
            catch (JobLoadException e)
            {
                data.LoadException = e;
            }
        }
        else
        {
            // A native kind: shown as its kind and arguments (see EngineKindJob).
            data.ParametersSnapshot = new Dictionary<string, string>();
            data.Job = EngineKindJob.For(job.Kind, job.ArgsJson);
            data.InvocationData = InvocationData.SerializeJob(data.Job);
        }
        return data;
    }

    /// <summary>
    /// The Hangfire call the job holds, or null for another kind, or for arguments written by hand
    /// that are no Hangfire call (those are shown like a native kind's, so the Dashboard still lists,
    /// requeues and deletes them; the engine's server ends such a job dead, naming the problem).
    /// </summary>
    private static HangfireInvocationArgs? ReadInvocation(JobInfo job)
    {
        try
        {
            return HangfireInvocation.Read(job.Kind, job.ArgsJson) is { Type: not null, Method: not null } args ? args : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
