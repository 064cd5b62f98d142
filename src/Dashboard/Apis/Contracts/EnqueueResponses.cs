namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>The result of enqueueing one job.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Created">False when a job of the kind already held the idempotency key: <paramref name="Id"/> is that job.</param>
public sealed record EnqueuedJobResponse(long Id, bool Created);

/// <summary>The result of a batch enqueue, in the order of the request.</summary>
/// <param name="Jobs">One result per job of the request, in its order.</param>
/// <param name="Created">How many jobs were new (the others held their idempotency keys already).</param>
public sealed record BatchEnqueueResponse(IReadOnlyList<EnqueuedJobResponse> Jobs, int Created);
