using System.Globalization;
using System.Text.Json;
using Jobs.Dashboard.Apis;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Engine.Recurring;
using Jobs.Operators;

namespace Jobs.Dashboard.Cli;

/// <summary>
/// Recurring schedules from the command line (the same checks as the API and the page):
/// <code>
/// Jobs.Dashboard schedule create &lt;name&gt; --cron "0 3 * * *" --kind &lt;kind&gt; [--time-zone Europe/Berlin] [--args '{...}'] [--queue q] [--misfire once|skip|all]
/// Jobs.Dashboard schedule update &lt;name&gt; [the same options]
/// Jobs.Dashboard schedule list | show &lt;name&gt; | delete &lt;name&gt; | trigger &lt;name&gt; | pause &lt;name&gt; | resume &lt;name&gt;
/// </code>
/// </summary>
internal static class ScheduleCommands
{
    public const string Name = "schedule";

    private const string Usage = "schedule create <name> --cron <cron> --kind <kind> [--time-zone <zone>] [--args <json>] [--queue <queue>] " +
        "[--misfire once|skip|all] | update <name> [options] | list | show <name> | delete <name> | trigger <name> | pause <name> | resume <name>";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var cli = CliArgs.Parse(args, ["--cron", "--kind", "--time-zone", "--args", "--queue", "--misfire"], Usage);
        var schedules = services.GetRequiredService<IScheduleClient>();
        var definitions = services.GetRequiredService<ScheduleDefinitions>();
        var audit = services.GetRequiredService<AuditLog>();
        switch (cli.Positional)
        {
            case ["create", var name]:
                if (ScheduleDefinitions.NameProblem(name) is { } nameProblem)
                {
                    throw new ArgumentException(nameProblem);
                }
                var options = Build(definitions, Request(cli, name));
                if (!await schedules.CreateAsync(name, options))
                {
                    throw new ArgumentException($"A schedule named '{name}' exists already; use 'schedule update {name}'.");
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "schedules.create", name));
                return await PrintAsync(schedules, name);
            case ["update", var name]:
                if (await schedules.GetAsync(name) is not { } existing)
                {
                    return Missing(name);
                }
                if (existing.Declared)
                {
                    throw new ArgumentException($"Schedule '{name}' is declared in code or configuration, which owns it: change it there.");
                }
                if (!await schedules.UpdateAsync(name, Build(definitions, ScheduleDefinitions.Merge(existing, Request(cli, name)))))
                {
                    return Missing(name);
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "schedules.update", name));
                return await PrintAsync(schedules, name);
            case ["list"]:
                foreach (var schedule in await schedules.ListAsync())
                {
                    Print(schedule);
                }
                return 0;
            case ["show", var name]:
                return await PrintAsync(schedules, name);
            case ["delete", var name]:
                if (await schedules.GetAsync(name) is { Declared: true })
                {
                    throw new ArgumentException($"Schedule '{name}' is declared in code or configuration, which owns it: remove it there.");
                }
                if (!await schedules.RemoveAsync(name))
                {
                    return Missing(name);
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "schedules.delete", name));
                Console.WriteLine($"Deleted schedule '{name}'.");
                return 0;
            case ["trigger", var name]:
                if (await schedules.TriggerAsync(name) is not { } jobId)
                {
                    return Missing(name);
                }
                await audit.RecordAsync(new AuditEntry("command line", "system", "schedules.trigger", name, 1));
                Console.WriteLine($"Triggered '{name}': job {jobId}.");
                return 0;
            case ["pause", var name]:
                return await SwitchAsync(schedules, audit, name, "schedules.pause", schedules.PauseAsync);
            case ["resume", var name]:
                return await SwitchAsync(schedules, audit, name, "schedules.resume", schedules.ResumeAsync);
            default:
                throw new ArgumentException($"usage: Jobs.Dashboard {Usage}");
        }
    }

    private static ScheduleRequest Request(CliArgs cli, string name)
    {
        JsonElement? args = null;
        if (cli["args"] is { } text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                args = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"--args is not JSON: {e.Message}");
            }
        }
        return new ScheduleRequest
        {
            Name = name, Cron = cli["cron"], TimeZone = cli["time-zone"], Kind = cli["kind"], Args = args, Queue = cli["queue"], Misfire = cli["misfire"],
        };
    }

    /// <summary>The options, or an <see cref="ArgumentException"/> naming each option that is wrong.</summary>
    private static ScheduleOptions Build(ScheduleDefinitions definitions, ScheduleRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        return definitions.Build(request, errors) is { } options && errors.Count == 0
            ? options
            : throw new ArgumentException(string.Join(Environment.NewLine, errors.Select(e => $"--{Option(e.Key)}: {e.Value[0]}")));
    }

    private static string Option(string field) => field switch
    {
        "timeZone" => "time-zone",
        _ when field.StartsWith("args", StringComparison.Ordinal) => "args",
        _ => field,
    };

    private static async Task<int> SwitchAsync(IScheduleClient schedules, AuditLog audit, string name, string action,
        Func<string, CancellationToken, Task<bool>> act)
    {
        if (!await act(name, CancellationToken.None))
        {
            return Missing(name);
        }
        await audit.RecordAsync(new AuditEntry("command line", "system", action, name));
        return await PrintAsync(schedules, name);
    }

    private static async Task<int> PrintAsync(IScheduleClient schedules, string name)
    {
        if (await schedules.GetAsync(name) is not { } schedule)
        {
            return Missing(name);
        }
        Print(schedule);
        foreach (var at in ScheduleDefinitions.Response(schedule, DateTimeOffset.UtcNow).NextFires)
        {
            Console.WriteLine($"  next fire {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        }
        return 0;
    }

    private static void Print(ScheduleInfo s) =>
        Console.WriteLine(string.Join('\t', s.Name, s.Cron, s.TimeZone, s.Kind, s.PausedAt is null ? "active" : "paused",
            ScheduleDefinitions.OwnerOf(s) == "code" ? "owned by code" : "made by an operator",
            s.LastJobId is { } job ? $"last job {job}" : "never fired"));

    private static int Missing(string name)
    {
        Console.Error.WriteLine($"There is no schedule '{name}'.");
        return 1;
    }
}
