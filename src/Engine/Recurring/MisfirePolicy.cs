namespace Jobs.Engine.Recurring;

/// <summary>
/// What a schedule does with fire times missed while no scheduler ran (everything was down, or the
/// schedule was created with a past start). A fire time is missed when it is older than
/// <see cref="RecurringOptions.MisfireThreshold"/> by the time a scheduler sees it.
/// </summary>
public enum MisfirePolicy
{
    /// <summary>Fire once for all the missed times (the latest of them), then resume. Hangfire's default. The default value.</summary>
    Once,

    /// <summary>Fire none of the missed times; resume with the next one.</summary>
    Skip,

    /// <summary>Fire every missed time, oldest first (at most 1,000), then resume.</summary>
    All,
}
