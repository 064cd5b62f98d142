using System.Text.Json;
using Jobs.Dashboard.Apis;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Ui;
using Jobs.Engine.Handlers;
using Jobs.Engine.Recurring;
using Microsoft.AspNetCore.Mvc;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// One recurring schedule without code: create, edit (cron, time zone, kind, args, queue, missed-fire
/// policy), delete. The form shows the next five fire times before saving ("Show next fire times"
/// reads the form without saving) and refuses a cron that does not parse with the parser's reason.
/// Schedules declared in code or configuration are owned by their declaration and read-only here.
/// </summary>
public sealed class ScheduleModel(IScheduleClient schedules, ScheduleDefinitions definitions, JobKindCatalog catalog) : DashboardPage
{
    /// <summary>The schedule edited; null when creating one.</summary>
    public ScheduleInfo? Existing { get; private set; }

    /// <summary>The form's values.</summary>
    public ScheduleForm Form { get; private set; } = new();

    /// <summary>Problems by field (cron, timeZone, kind, args..., queue, misfire, name).</summary>
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The next fire times of the form's cron and time zone.</summary>
    public IReadOnlyList<DateTimeOffset> NextFires { get; private set; } = [];

    /// <summary>Declared in code or configuration: shown, not editable.</summary>
    public bool Declared => Existing?.Declared == true;

    /// <summary>The kinds to choose from, with the schedule's own first when this host does not know it (so saving never changes it unseen).</summary>
    public IEnumerable<string> KindsFor(string? current) =>
        current is { Length: > 0 } && !catalog.Kinds.Contains(current, StringComparer.Ordinal) ? catalog.Kinds.Prepend(current) : catalog.Kinds;

    /// <summary>The time zones this host knows.</summary>
    public static IEnumerable<string> TimeZones => TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Order(StringComparer.Ordinal);

    /// <summary>The first problem of a field, or null.</summary>
    public string? ErrorOf(string field) => Errors.TryGetValue(field, out var messages) ? messages[0] : null;

    /// <summary>Problems of the args and of fields inside them.</summary>
    public IEnumerable<string> ArgsErrors => Errors.Where(e => e.Key == "args" || e.Key.StartsWith("args.", StringComparison.Ordinal) || e.Key.StartsWith("args[", StringComparison.Ordinal))
        .Select(e => e.Key == "args" ? e.Value[0] : $"{e.Key}: {e.Value[0]}");

    /// <param name="schedule">The schedule's name; none to create one.</param>
    /// <param name="form">The values of a "Show next fire times" (a GET of the form); none to show the schedule as it is.</param>
    /// <param name="preview">True for a "Show next fire times".</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IActionResult> OnGetAsync(string? schedule, ScheduleForm form, bool preview, CancellationToken cancellationToken)
    {
        if (schedule is not null && (Existing = await schedules.GetAsync(schedule, cancellationToken)) is null)
        {
            return NotFound();
        }
        Form = preview && !Declared ? form : Existing is { } s ? ScheduleForm.From(s) : form;
        if (preview || Existing is not null)
        {
            Preview();
        }
        return Page();
    }

    /// <summary>The next fire times of a cron and time zone, or why they do not parse, for the form's live preview (saves nothing).</summary>
    public IActionResult OnGetFires(string? cron, string? timeZone)
    {
        var (schedule, cronProblem, zoneProblem) = ScheduleDefinitions.Parse(cron, string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim());
        var zone = schedule?.TimeZone;
        var fires = schedule?.NextOccurrences(Now, ScheduleDefinitions.PreviewCount)
            .Select(at => new { utc = Format.Utc(at), local = TimeZoneInfo.ConvertTime(at, zone!).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " " + zone!.Id })
            .ToList();
        return new JsonResult(new { fires, cron = cronProblem, timeZone = zoneProblem });
    }

    public async Task<IActionResult> OnPostSaveAsync(string? schedule, ScheduleForm form, CancellationToken cancellationToken)
    {
        Form = form;
        if (schedule is not null && (Existing = await schedules.GetAsync(schedule, cancellationToken)) is null)
        {
            return Failed($"There is no schedule '{schedule}'.", "/recurring");
        }
        if (Declared)
        {
            return Failed($"Schedule '{schedule}' is declared in code or configuration, which owns it: change it there.");
        }
        var request = form.ToRequest(Existing?.Name, Errors);
        if (Existing is null && ScheduleDefinitions.NameProblem(request.Name) is { } nameProblem)
        {
            Errors["name"] = [nameProblem];
        }
        var options = request.Args is null ? null : definitions.Build(request, Errors);
        if (options is null || Errors.Count > 0)
        {
            // Nothing was saved: the form again, with its problems (a reload only shows them again).
            Preview();
            return Page();
        }
        bool saved;
        try
        {
            saved = Existing is null
                ? await schedules.CreateAsync(request.Name!, options, cancellationToken)
                : await schedules.UpdateAsync(request.Name!, options, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Errors["$"] = [ApiProblems.MessageOf(e)];
            Preview();
            return Page();
        }
        if (!saved)
        {
            Errors["name"] = [Existing is null ? $"A schedule named '{request.Name}' exists already; choose another name." : $"Schedule '{request.Name}' changed meanwhile (deleted, or declared by a deploy)."];
            Preview();
            return Page();
        }
        await AuditAsync(Existing is null ? "schedules.create" : "schedules.update", request.Name, null,
            new { cron = options.Cron, timeZone = options.TimeZone, kind = options.Kind });
        return Done($"{(Existing is null ? "Created" : "Saved")} schedule '{request.Name}'; it next fires {Format.Utc(NextFiresOf(options).FirstOrDefault())}.", "/recurring");
    }

    public async Task<IActionResult> OnPostDeleteAsync([FromRoute(Name = "schedule")] string name, CancellationToken cancellationToken)
    {
        if (await schedules.GetAsync(name, cancellationToken) is not { } existing)
        {
            return Failed($"There is no schedule '{name}'.", "/recurring");
        }
        if (existing.Declared)
        {
            return Failed($"Schedule '{name}' is declared in code or configuration, which owns it: remove it there.");
        }
        if (!await schedules.RemoveAsync(name, cancellationToken))
        {
            return Failed($"There is no schedule '{name}'.", "/recurring");
        }
        await AuditAsync("schedules.delete", name);
        return Done($"Deleted schedule '{name}'. The jobs it enqueued stay.", "/recurring");
    }

    private void Preview()
    {
        var (cron, cronProblem, zoneProblem) = ScheduleDefinitions.Parse(Form.Cron, Form.TimeZone);
        if (cronProblem is not null)
        {
            Errors.TryAdd("cron", [cronProblem]);
        }
        if (zoneProblem is not null)
        {
            Errors.TryAdd("timeZone", [zoneProblem]);
        }
        NextFires = cron?.NextOccurrences(Now, ScheduleDefinitions.PreviewCount) ?? [];
    }

    private IReadOnlyList<DateTimeOffset> NextFiresOf(ScheduleOptions options) =>
        CronSchedule.TryParse(options.Cron, options.TimeZone, out var cron, out _) ? cron.NextOccurrences(Now, 1) : [];
}

/// <summary>The schedule form's fields, as typed.</summary>
public sealed class ScheduleForm
{
    public string? Name { get; set; }
    public string? Cron { get; set; }
    public string? TimeZone { get; set; } = "UTC";
    public string? Kind { get; set; }
    public string? Args { get; set; } = "{}";
    public string? Queue { get; set; }
    public string? Misfire { get; set; } = "once";

    public static ScheduleForm From(ScheduleInfo s) => new()
    {
        Name = s.Name,
        Cron = s.Cron,
        TimeZone = s.TimeZone,
        Kind = s.Kind,
        Args = s.ArgsJson,
        Queue = s.Queue,
        Misfire = s.Misfire.ToString().ToLowerInvariant(),
    };

    /// <summary>The request the API would take; an args text that is not JSON is a problem under <c>args</c> (and no args).</summary>
    public ScheduleRequest ToRequest(string? existingName, IDictionary<string, string[]> errors)
    {
        JsonElement? args = null;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(Args) ? "{}" : Args);
            args = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors["args"] = [$"The arguments are not JSON: {e.Message}"];
        }
        return new ScheduleRequest
        {
            Name = existingName ?? Name?.Trim(),
            Cron = Cron,
            TimeZone = string.IsNullOrWhiteSpace(TimeZone) ? "UTC" : TimeZone.Trim(),
            Kind = Kind?.Trim(),
            Args = args,
            Queue = string.IsNullOrWhiteSpace(Queue) ? null : Queue.Trim(),
            Misfire = Misfire,
        };
    }
}
