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
        if (HangfireInvocation.Read(job.Kind, job.ArgsJson) is { } args)
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
            data.ParametersSnapshot = new Dictionary<string, string>();
            data.LoadException = new JobLoadException(
                $"Job {job.Id} is a job of kind '{job.Kind}', not a Hangfire method call; it runs through its kind's handler.",
                new InvalidOperationException($"Kind '{job.Kind}' with arguments {job.ArgsJson}"));
        }
        return data;
    }
}
