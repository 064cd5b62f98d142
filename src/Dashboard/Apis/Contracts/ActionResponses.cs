namespace Jobs.Dashboard.Apis.Contracts;

/// <summary>What a retry or cancel did.</summary>
/// <param name="Id">The job id.</param>
/// <param name="State">The job's state now: <c>available</c> after a retry, <c>cancelled</c> after a cancel.</param>
public sealed record JobActionResponse(long Id, string State);

/// <summary>The result of a bulk requeue.</summary>
/// <param name="Requeued">How many jobs were made available.</param>
public sealed record RequeueResponse(int Requeued);
