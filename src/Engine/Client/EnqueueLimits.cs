namespace Jobs.Engine.Client;

/// <summary>
/// The bounds every enqueue path checks (the .NET client, the HTTP API, and <c>enqueue</c> /
/// <c>enqueue_many</c> in SQL), so that every job stored can be shown and run.
/// </summary>
/// <remarks>
/// Run times beyond these bounds are refused rather than stored: .NET (like most readers) holds no
/// time after 9999-12-31, and a job due past it broke every page that listed it. The job table checks
/// the outer bound itself (constraint <c>job_times_valid</c>: every time of a job between 2000-01-01
/// and 9999-01-01 UTC), as a last line of defence for rows written by hand.
/// </remarks>
public static class EnqueueLimits
{
    /// <summary>The earliest run time accepted: 2000-01-01 UTC. Any earlier time that is accepted means now.</summary>
    public static readonly DateTimeOffset EarliestRunAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead a job may be due: 3,653 days (10 years), for a run time and for a delay alike.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(3653);

    /// <summary>Tags one job may carry: 20.</summary>
    public const int MaxTags = 20;

    /// <summary>The length of one tag: 1 to 100 characters.</summary>
    public const int MaxTagLength = 100;
}
