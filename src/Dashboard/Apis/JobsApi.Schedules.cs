using Jobs.Dashboard.Apis.Contracts;
using Jobs.Dashboard.Security;
using Jobs.Engine.Recurring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Recurring schedules without code: create, list, read, change, delete, trigger, pause, resume.
/// Operator keys only, within their kinds and queues (a schedule outside them is treated as absent).
/// Schedules declared in code or configuration are owned by that declaration: they can be triggered,
/// paused and resumed here, not changed or deleted (409), since the next start would write them back.
/// </summary>
public static partial class JobsApi
{
    private static void MapSchedules(RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules")
            .RequireAuthorization(DashboardPolicies.ApiOperator)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        schedules.MapPost("", CreateScheduleAsync).WithName("CreateSchedule")
            .WithSummary("Create a recurring schedule")
            .WithDescription("Required: name, cron, kind. A cron that does not parse is refused with the parser's reason (errors.cron), an " +
                "unknown IANA time zone under errors.timeZone, a name in use under errors.name. The answer shows the next five fire times.")
            .AcceptsJson<ScheduleRequest>();
        schedules.MapGet("", ListSchedulesAsync).WithName("ListSchedules")
            .WithSummary("List recurring schedules within the key's kinds and queues");
        schedules.MapGet("/{name}", GetScheduleAsync).WithName("GetSchedule")
            .WithSummary("Read a recurring schedule, with its next five fire times and its last fire's job")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPatch("/{name}", UpdateScheduleAsync).WithName("UpdateSchedule")
            .WithSummary("Change a schedule made at run time (cron, timeZone, kind, args, queue, misfire, priority, maxAttempts, tags)")
            .WithDescription("Fields left out stay as they are. The next fire time moves only when cron or timeZone change. " +
                "409 for a schedule declared in code or configuration.")
            .AcceptsJson<ScheduleRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        schedules.MapDelete("/{name}", DeleteScheduleAsync).WithName("DeleteSchedule")
            .WithSummary("Delete a schedule made at run time (jobs it enqueued stay); 409 for a declared one")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        schedules.MapPost("/{name}/trigger", TriggerScheduleAsync).WithName("TriggerSchedule")
            .WithSummary("Enqueue the schedule's job now (paused or not), without changing its next fire")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{name}/pause", PauseScheduleAsync).WithName("PauseSchedule")
            .WithSummary("Stop a schedule firing until resumed")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{name}/resume", ResumeScheduleAsync).WithName("ResumeSchedule")
            .WithSummary("Resume a paused schedule from its next fire time after now (times passed while paused are skipped)")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<ScheduleResponse>, ProblemHttpResult>> CreateScheduleAsync(
        HttpContext http, [AsParameters] JobsApiServices services, IScheduleClient schedules, ScheduleDefinitions definitions, KindQueues kindQueues,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var (body, problem) = await JsonBody.ReadAsync<ScheduleRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ScheduleDefinitions.NameProblem(body!.Name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }
        var options = definitions.Build(body, errors);
        if (options is null || errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }
        if (await ScheduleScopeAsync(services, caller, kindQueues, options.Kind, options.Queue, cancellationToken) is { } refused)
        {
            return refused;
        }
        try
        {
            if (!await schedules.CreateAsync(body.Name!, options, cancellationToken))
            {
                var taken = await schedules.GetAsync(body.Name!, cancellationToken);
                return ApiProblems.Invalid("name", taken?.Declared == true
                    ? $"A schedule named '{body.Name}' is declared in code or configuration; choose another name."
                    : $"A schedule named '{body.Name}' exists already; change it with PATCH /api/v1/schedules/{body.Name}, or choose another name.");
            }
        }
        catch (ArgumentException e)
        {
            return ApiProblems.Invalid("$", ApiProblems.MessageOf(e));
        }
        await services.Audit.RecordAsync(caller.User.Audit("schedules.create", body.Name, null,
            new { cron = options.Cron, timeZone = options.TimeZone, kind = options.Kind }), cancellationToken);
        var created = await schedules.GetAsync(body.Name!, cancellationToken);
        return TypedResults.Created($"/api/v1/schedules/{Uri.EscapeDataString(body.Name!)}", ScheduleDefinitions.Response(created!, time.GetUtcNow()));
    }

    private static async Task<Ok<IReadOnlyList<ScheduleResponse>>> ListSchedulesAsync(
        HttpContext http, IScheduleClient schedules, KindQueues kindQueues, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var all = await schedules.ListAsync(cancellationToken);
        var queues = await kindQueues.DefaultQueuesAsync(all.Select(s => s.Kind), cancellationToken);
        var now = time.GetUtcNow();
        IReadOnlyList<ScheduleResponse> visible = all.Where(s => caller.Key.Allows(s.Kind, s.Queue ?? queues[s.Kind]))
            .Select(s => ScheduleDefinitions.Response(s, now)).ToList();
        return TypedResults.Ok(visible);
    }

    private static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> GetScheduleAsync(
        string name, HttpContext http, IScheduleClient schedules, KindQueues kindQueues, TimeProvider time, CancellationToken cancellationToken)
    {
        var schedule = await VisibleScheduleAsync(name, ApiCaller.From(http), schedules, kindQueues, cancellationToken);
        return schedule is null ? NoSuchSchedule(name) : TypedResults.Ok(ScheduleDefinitions.Response(schedule, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> UpdateScheduleAsync(
        string name, HttpContext http, [AsParameters] JobsApiServices services, IScheduleClient schedules, ScheduleDefinitions definitions,
        KindQueues kindQueues, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        if (await VisibleScheduleAsync(name, caller, schedules, kindQueues, cancellationToken) is not { } schedule)
        {
            return NoSuchSchedule(name);
        }
        var (body, problem) = await JsonBody.ReadAsync<ScheduleRequest>(http, services.Options.Value.MaxJobBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.Name is { } renamed && renamed != name)
        {
            return ApiProblems.Invalid("name", "A schedule cannot be renamed; create one with the new name and delete this one.");
        }
        if (schedule.Declared)
        {
            return DeclaredSchedule(name);
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var options = definitions.Build(ScheduleDefinitions.Merge(schedule, body), errors);
        if (options is null)
        {
            return ApiProblems.Invalid(errors);
        }
        // The changed schedule must stay within the key's scope too.
        if (await ScheduleScopeAsync(services, caller, kindQueues, options.Kind, options.Queue, cancellationToken) is { } refused)
        {
            return refused;
        }
        try
        {
            if (!await schedules.UpdateAsync(name, options, cancellationToken))
            {
                // Deleted, or declared by a deploy, in the meantime.
                return await schedules.GetAsync(name, cancellationToken) is null ? NoSuchSchedule(name) : DeclaredSchedule(name);
            }
        }
        catch (ArgumentException e)
        {
            return ApiProblems.Invalid("$", ApiProblems.MessageOf(e));
        }
        await services.Audit.RecordAsync(caller.User.Audit("schedules.update", name, null,
            new { cron = options.Cron, timeZone = options.TimeZone, kind = options.Kind }), cancellationToken);
        return TypedResults.Ok(ScheduleDefinitions.Response((await schedules.GetAsync(name, cancellationToken))!, time.GetUtcNow()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteScheduleAsync(
        string name, HttpContext http, [AsParameters] JobsApiServices services, IScheduleClient schedules, KindQueues kindQueues,
        CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        if (await VisibleScheduleAsync(name, caller, schedules, kindQueues, cancellationToken) is not { } schedule)
        {
            return NoSuchSchedule(name);
        }
        if (schedule.Declared)
        {
            return DeclaredSchedule(name);
        }
        if (!await schedules.RemoveAsync(name, cancellationToken))
        {
            return NoSuchSchedule(name);
        }
        await services.Audit.RecordAsync(caller.User.Audit("schedules.delete", name), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TriggeredScheduleResponse>, ProblemHttpResult>> TriggerScheduleAsync(
        string name, HttpContext http, [AsParameters] JobsApiServices services, IScheduleClient schedules, KindQueues kindQueues,
        CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        if (await VisibleScheduleAsync(name, caller, schedules, kindQueues, cancellationToken) is null
            || await schedules.TriggerAsync(name, cancellationToken) is not { } jobId)
        {
            return NoSuchSchedule(name);
        }
        await services.Audit.RecordAsync(caller.User.Audit("schedules.trigger", name, 1, new { job = jobId }), cancellationToken);
        return TypedResults.Ok(new TriggeredScheduleResponse(name, jobId));
    }

    private static Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> PauseScheduleAsync(
        string name, HttpContext http, [AsParameters] JobsApiServices services, IScheduleClient schedules, KindQueues kindQueues,
        TimeProvider time, CancellationToken cancellationToken) =>
        SwitchScheduleAsync(name, http, services, schedules, kindQueues, time, "schedules.pause", schedules.PauseAsync, cancellationToken);

    private static Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> ResumeScheduleAsync(
        string name, HttpContext http, [AsParameters] JobsApiServices services, IScheduleClient schedules, KindQueues kindQueues,
        TimeProvider time, CancellationToken cancellationToken) =>
        SwitchScheduleAsync(name, http, services, schedules, kindQueues, time, "schedules.resume", schedules.ResumeAsync, cancellationToken);

    private static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> SwitchScheduleAsync(
        string name, HttpContext http, JobsApiServices services, IScheduleClient schedules, KindQueues kindQueues, TimeProvider time,
        string action, Func<string, CancellationToken, Task<bool>> act, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        if (await VisibleScheduleAsync(name, caller, schedules, kindQueues, cancellationToken) is null || !await act(name, cancellationToken))
        {
            return NoSuchSchedule(name);
        }
        await services.Audit.RecordAsync(caller.User.Audit(action, name), cancellationToken);
        return TypedResults.Ok(ScheduleDefinitions.Response((await schedules.GetAsync(name, cancellationToken))!, time.GetUtcNow()));
    }

    /// <summary>The schedule when it exists and its jobs are within the key's kinds and queues; else null (404).</summary>
    private static async Task<ScheduleInfo?> VisibleScheduleAsync(string name, ApiCaller caller, IScheduleClient schedules, KindQueues kindQueues,
        CancellationToken cancellationToken)
    {
        if (await schedules.GetAsync(name, cancellationToken) is not { } schedule)
        {
            return null;
        }
        var queue = schedule.Queue ?? (await kindQueues.DefaultQueuesAsync([schedule.Kind], cancellationToken))[schedule.Kind];
        return caller.Key.Allows(schedule.Kind, queue) ? schedule : null;
    }

    private static async Task<ProblemHttpResult?> ScheduleScopeAsync(JobsApiServices services, ApiCaller caller, KindQueues kindQueues,
        string kind, string? queue, CancellationToken cancellationToken)
    {
        queue ??= caller.Key.Queues is null ? null : (await kindQueues.DefaultQueuesAsync([kind], cancellationToken))[kind];
        if (EnqueueRequests.OutOfScope(caller, kind, queue, null) is { } refused)
        {
            Refused(services, caller, refused);
            return refused;
        }
        return null;
    }

    private static ProblemHttpResult NoSuchSchedule(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such schedule.",
            detail: $"There is no schedule '{name}' within this API key's kinds and queues.");

    private static ProblemHttpResult DeclaredSchedule(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The schedule is declared in code.",
            detail: $"Schedule '{name}' is declared in code or configuration (Jobs:Recurring:Schedules), which owns it: change it there " +
                "(the next start writes the declaration back). It can still be triggered, paused and resumed.");
}
