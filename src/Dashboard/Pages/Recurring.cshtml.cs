using Jobs.Dashboard.Ui;
using Jobs.Engine.Recurring;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>Recurring schedules: cron, time zone, next and last fire, last outcome; trigger, pause, resume.</summary>
public sealed class RecurringModel(IScheduleClient schedules) : DashboardPage
{
    public IReadOnlyList<ScheduleInfo> Schedules { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Schedules = await schedules.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostTriggerAsync(string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name) || await schedules.TriggerAsync(name, cancellationToken) is not { } jobId)
        {
            return Failed($"There is no schedule '{name}'.");
        }
        await AuditAsync("schedules.trigger", name, 1, new { job = jobId });
        return Done($"Triggered '{name}': job #{jobId}.");
    }

    public Task<IActionResult> OnPostPauseAsync(string? name, CancellationToken cancellationToken) =>
        ActAsync(name, "schedules.pause", n => schedules.PauseAsync(n, cancellationToken), "Paused '{0}': it fires no more until resumed.");

    public Task<IActionResult> OnPostResumeAsync(string? name, CancellationToken cancellationToken) =>
        ActAsync(name, "schedules.resume", n => schedules.ResumeAsync(n, cancellationToken), "Resumed '{0}' from its next fire time.");

    private async Task<IActionResult> ActAsync(string? name, string action, Func<string, Task<bool>> act, string done)
    {
        if (string.IsNullOrEmpty(name) || !await act(name))
        {
            return Failed($"There is no schedule '{name}'.");
        }
        await AuditAsync(action, name);
        return Done(string.Format(System.Globalization.CultureInfo.InvariantCulture, done, name));
    }
}
