using Hangfire.Common;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// A job Hangfire created (<c>CreateExpiredJob</c>) whose first state it has not applied yet: held by
/// the connection until the transaction that applies the state commits, which enqueues it. Until
/// then nothing is in the database, as a Hangfire job without a state is invisible anyway.
/// </summary>
internal sealed class PendingJob(long id, Job job, Dictionary<string, string?> parameters, DateTime createdAt)
{
    public long Id { get; } = id;

    public Job Job { get; } = job;

    public Dictionary<string, string?> Parameters { get; } = parameters;

    public DateTime CreatedAt { get; } = createdAt;
}
