using System.ComponentModel.DataAnnotations;

namespace Jobs.Engine.Recurring;

/// <summary>Recurring schedules and how the scheduler treats them. Bound from <c>Jobs:Recurring</c>.</summary>
public sealed class RecurringOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Jobs:Recurring";

    /// <summary>Run the recurring scheduler in this server. The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A fire time older than this when a scheduler first sees it counts as missed, and the
    /// schedule's <see cref="MisfirePolicy"/> decides. The default value is 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// At start, delete schedules that were declared (in code or configuration) by an earlier
    /// version but are declared no more. Schedules created at run time are never removed.
    /// The default value is true.
    /// </summary>
    public bool RemoveUndeclared { get; set; } = true;

    /// <summary>The longest the scheduler sleeps between looks at the schedule table. The default value is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The declared schedules by name.</summary>
    public Dictionary<string, ScheduleOptions> Schedules { get; set; } = [];
}
