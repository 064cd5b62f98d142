using System.Text.Json;
using System.Text.RegularExpressions;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Engine.Client;
using Jobs.Engine.Handlers;
using Jobs.Engine.Recurring;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Turns a schedule as an operator gives it (API body, dashboard form, command line) into the
/// engine's <see cref="ScheduleOptions"/>, naming each field that is wrong: the cron with the cron
/// parser's own reason, the time zone, the kind and its arguments (as an enqueue checks them), the
/// queue, priority, attempts and tags (the engine's enqueue rules), the missed-fire policy.
/// </summary>
public sealed partial class ScheduleDefinitions(JobKindCatalog catalog)
{
    /// <summary>How many coming fire times a form and an answer show.</summary>
    public const int PreviewCount = 5;

    private static readonly JsonElement EmptyArgs = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>What is wrong with a new schedule's name, or null.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "name is required."
        : name.Length > 200 || !NamePattern().IsMatch(name) ? $"name must be 1 to 200 letters, digits or _ . : - (got '{name}')."
        : null;

    /// <summary>
    /// Parses a cron expression and a time zone each on its own, so a problem names its field: the
    /// cron parser's reason for the cron, the unknown zone for the time zone.
    /// </summary>
    public static (CronSchedule? Schedule, string? CronProblem, string? TimeZoneProblem) Parse(string? cron, string? timeZone)
    {
        string? cronProblem = null, zoneProblem = null;
        if (string.IsNullOrWhiteSpace(cron))
        {
            cronProblem = "cron is required.";
        }
        else if (!CronSchedule.TryParse(cron, "UTC", out _, out var problem))
        {
            cronProblem = problem;
        }
        if (!CronSchedule.TryParse("* * * * *", timeZone, out _, out var zone))
        {
            zoneProblem = zone;
        }
        if (cronProblem is not null || zoneProblem is not null)
        {
            return (null, cronProblem, zoneProblem);
        }
        // Both parse alone; together they may still never fire.
        return CronSchedule.TryParse(cron, timeZone, out var schedule, out var never) ? (schedule, null, null) : (null, never, null);
    }

    /// <summary>The schedule's options, or null with <paramref name="errors"/> keyed by field.</summary>
    public ScheduleOptions? Build(ScheduleRequest request, IDictionary<string, string[]> errors)
    {
        var (_, cronProblem, zoneProblem) = Parse(request.Cron, request.TimeZone ?? "UTC");
        if (cronProblem is not null)
        {
            errors["cron"] = [cronProblem];
        }
        if (zoneProblem is not null)
        {
            errors["timeZone"] = [zoneProblem];
        }
        var misfire = MisfirePolicy.Once;
        if (request.Misfire is { } text && (!Enum.TryParse(text, ignoreCase: true, out misfire) || !Enum.IsDefined(misfire) || int.TryParse(text, out _)))
        {
            errors["misfire"] = [$"misfire must be once, skip or all (got '{text}')."];
        }
        var args = request.Args ?? EmptyArgs;
        switch (request.Kind)
        {
            case null or "":
                errors["kind"] = ["kind is required."];
                break;
            case var kind when catalog.ArgsType(kind) is null:
                errors["kind"] = [$"Unknown kind '{kind}'. Known kinds: {string.Join(", ", catalog.Kinds)}."];
                break;
            case var kind when StorableText.Find(args) is { } unstorable:
                var at = JsonBody.Under("args", unstorable.Path);
                errors[at] = [$"{at} {unstorable.Problem}."];
                break;
            case var kind:
                foreach (var problem in catalog.Validate(kind, args))
                {
                    var field = JsonBody.Field(problem.Path);
                    errors.TryAdd(field == "$" ? "args" : field.StartsWith('[') ? "args" + field : "args." + field, [problem.Message]);
                }
                // The queue, priority, attempts and tags by the rules every enqueue follows.
                try
                {
                    new JobRequest(kind, args, new EnqueueOptions
                    {
                        Queue = request.Queue,
                        Priority = request.Priority,
                        MaxAttempts = request.MaxAttempts,
                        Tags = request.Tags,
                    }).Validate();
                }
                catch (ArgumentException e)
                {
                    var field = string.IsNullOrEmpty(e.ParamName) ? "$" : JsonNamingPolicy.CamelCase.ConvertName(e.ParamName);
                    errors.TryAdd(field, [ApiProblems.MessageOf(e).Replace($"EnqueueOptions.{e.ParamName}", field, StringComparison.Ordinal)]);
                }
                break;
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return new ScheduleOptions
        {
            Cron = request.Cron!.Trim(),
            TimeZone = request.TimeZone ?? "UTC",
            Kind = request.Kind!,
            ArgsJson = args.GetRawText(),
            Queue = request.Queue,
            Priority = request.Priority,
            MaxAttempts = request.MaxAttempts,
            Tags = request.Tags?.ToList(),
            Misfire = misfire,
        };
    }

    /// <summary>A PATCH over a schedule: the fields given replace the schedule's.</summary>
    public static ScheduleRequest Merge(ScheduleInfo schedule, ScheduleRequest change)
    {
        using var args = JsonDocument.Parse(schedule.ArgsJson);
        return new ScheduleRequest
        {
            Name = schedule.Name,
            Cron = change.Cron ?? schedule.Cron,
            TimeZone = change.TimeZone ?? schedule.TimeZone,
            Kind = change.Kind ?? schedule.Kind,
            Args = change.Args ?? args.RootElement.Clone(),
            Queue = change.Queue ?? schedule.Queue,
            Misfire = change.Misfire ?? schedule.Misfire.ToString().ToLowerInvariant(),
            Priority = change.Priority ?? schedule.Priority,
            MaxAttempts = change.MaxAttempts ?? schedule.MaxAttempts,
            Tags = change.Tags ?? (schedule.Tags.Count > 0 ? schedule.Tags : null),
        };
    }

    /// <summary>A schedule as the API answers it, with its next fire times from <paramref name="now"/>.</summary>
    public static ScheduleResponse Response(ScheduleInfo s, DateTimeOffset now)
    {
        using var args = JsonDocument.Parse(s.ArgsJson);
        var next = CronSchedule.TryParse(s.Cron, s.TimeZone, out var cron, out _) ? cron.NextOccurrences(now, PreviewCount) : [];
        return new ScheduleResponse(s.Name, s.Cron, s.TimeZone, s.Kind, args.RootElement.Clone(), s.Queue, s.Priority, s.MaxAttempts, s.Tags,
            s.Misfire.ToString().ToLowerInvariant(), OwnerOf(s), s.PausedAt is not null, s.NextFireAt, next, s.LastFireAt, s.LastJobId,
            s.LastJobState?.ToDb());
    }

    /// <summary><c>code</c> for a declared schedule, <c>operator</c> for one made at run time.</summary>
    public static string OwnerOf(ScheduleInfo schedule) => schedule.Declared ? "code" : "operator";

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex NamePattern();
}
