using Microsoft.Extensions.Options;

namespace Jobs.Engine.Recurring;

/// <summary>Fails start-up when a declared schedule has an invalid cron, time zone or option, naming the schedule.</summary>
internal sealed class RecurringOptionsValidator : IValidateOptions<RecurringOptions>
{
    public ValidateOptionsResult Validate(string? name, RecurringOptions options)
    {
        var failures = new List<string>();
        foreach (var (scheduleName, schedule) in options.Schedules)
        {
            if (ScheduleClient.Check(scheduleName, schedule, out _) is { } problem)
            {
                failures.Add($"Jobs:Recurring:Schedules:{scheduleName}: {problem}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
