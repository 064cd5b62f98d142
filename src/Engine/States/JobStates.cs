namespace Jobs.Engine.States;

/// <summary>Conversions between <see cref="JobState"/> and the text stored in the database.</summary>
public static class JobStates
{
    /// <summary>The states a job never leaves on its own: it stays until requeued, deleted or pruned.</summary>
    public static readonly IReadOnlyList<JobState> Final = [JobState.Succeeded, JobState.Dead, JobState.Cancelled];

    /// <summary>The database text of a state.</summary>
    public static string ToDb(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Available => "available",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Retrying => "retrying",
        JobState.Dead => "dead",
        JobState.Cancelled => "cancelled",
        JobState.Awaiting => "awaiting",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown job state."),
    };

    /// <summary>Parses the database text of a state.</summary>
    public static JobState Parse(string value) => value switch
    {
        "scheduled" => JobState.Scheduled,
        "available" => JobState.Available,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "retrying" => JobState.Retrying,
        "dead" => JobState.Dead,
        "cancelled" => JobState.Cancelled,
        "awaiting" => JobState.Awaiting,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown job state."),
    };

    /// <summary>Parses a state name in any letter case (for filters from URLs and configuration).</summary>
    public static bool TryParse(string? value, out JobState state)
    {
        state = default;
        return value is not null && Enum.TryParse(value, ignoreCase: true, out state) && Enum.IsDefined(state);
    }
}
