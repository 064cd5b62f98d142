namespace Jobs.Engine.Handlers;

/// <summary>The job an attempt runs: its arguments and what the engine knows about it.</summary>
/// <typeparam name="TArgs">The kind's arguments.</typeparam>
public sealed class JobContext<TArgs> where TArgs : IJobArgs
{
    internal JobContext(TArgs args, JobInfoSnapshot job)
    {
        Args = args;
        Job = job;
    }

    /// <summary>The arguments bound from the job's JSON.</summary>
    public TArgs Args { get; }

    /// <summary>The job's identity and options.</summary>
    public JobInfoSnapshot Job { get; }

    /// <summary>The job id.</summary>
    public long Id => Job.Id;

    /// <summary>The attempt running now, starting at 1.</summary>
    public int Attempt => Job.Attempt;

    /// <summary>True on the job's last allowed attempt.</summary>
    public bool IsLastAttempt => Job.Attempt >= Job.MaxAttempts;
}
