namespace Jobs.Engine.Client;

/// <summary>The result of an enqueue.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Created">False when the idempotency key was already held and <paramref name="Id"/> is the existing job.</param>
public readonly record struct EnqueuedJob(long Id, bool Created);
