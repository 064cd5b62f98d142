using System.Globalization;
using Jobs.Dashboard.Apis.Contracts;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Apis;

/// <summary>Turns the API's filters (a list's query, a bulk action's body) into the engine's <see cref="JobFilter"/>, naming each bad value.</summary>
internal static class JobFilters
{
    public static JobFilter FromQuery(ListJobsQuery query, Dictionary<string, string[]> errors) => new()
    {
        States = States(Split(query.State, "state", errors), "state", errors),
        Kinds = Split(query.Kind, "kind", errors),
        Queues = Split(query.Queue, "queue", errors),
        Tag = Text(query.Tag, "tag", errors),
        PartitionKey = Text(query.PartitionKey, "partitionKey", errors),
        CorrelationId = Text(query.CorrelationId, "correlationId", errors),
        CreatedFrom = Time(query.CreatedFrom, "createdFrom", errors),
        CreatedTo = Time(query.CreatedTo, "createdTo", errors),
        FinalizedFrom = Time(query.FinishedFrom, "finishedFrom", errors),
        FinalizedTo = Time(query.FinishedTo, "finishedTo", errors),
        Search = Text(query.Search, "search", errors),
        LastError = Text(query.LastError, "lastError", errors),
    };

    public static JobFilter FromBody(JobFilterRequest body, Dictionary<string, string[]> errors) => new()
    {
        Ids = body.Ids is { Count: > 0 } ids ? ids : null,
        States = States(body.States is { Count: > 0 } s ? s : null, "states", errors),
        Kinds = List(body.Kinds, "kinds", errors),
        Queues = List(body.Queues, "queues", errors),
        Tag = Text(body.Tag, "tag", errors),
        PartitionKey = Text(body.PartitionKey, "partitionKey", errors),
        CorrelationId = Text(body.CorrelationId, "correlationId", errors),
        CreatedFrom = body.CreatedFrom,
        CreatedTo = body.CreatedTo,
        FinalizedFrom = body.FinishedFrom,
        FinalizedTo = body.FinishedTo,
        Search = Text(body.Search, "search", errors),
        LastError = Text(body.LastError, "lastError", errors),
    };

    /// <summary>The filter as the audit log and the logs show it.</summary>
    public static string Describe(JobFilter filter)
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            switch (value)
            {
                case null:
                    break;
                case System.Collections.IEnumerable list and not string:
                    parts.Add($"{name}={string.Join(",", list.Cast<object>().Select(v => v is JobState s ? s.ToDb() : v))}");
                    break;
                case DateTimeOffset time:
                    parts.Add($"{name}={time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}");
                    break;
                default:
                    parts.Add($"{name}={value}");
                    break;
            }
        }
        Add("ids", filter.Ids);
        Add("states", filter.States);
        Add("kinds", filter.Kinds);
        Add("queues", filter.Queues);
        Add("tag", filter.Tag);
        Add("partitionKey", filter.PartitionKey);
        Add("correlationId", filter.CorrelationId);
        Add("createdFrom", filter.CreatedFrom);
        Add("createdTo", filter.CreatedTo);
        Add("finishedFrom", filter.FinalizedFrom);
        Add("finishedTo", filter.FinalizedTo);
        Add("search", filter.Search);
        Add("lastError", filter.LastError);
        return parts.Count == 0 ? "all jobs" : string.Join(" ", parts);
    }

    private static List<string>? Split(string[]? values, string field, Dictionary<string, string[]> errors) =>
        List(values?.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(), field, errors);

    /// <summary>The values as given (none: no criterion), each checked as <see cref="Text"/> does.</summary>
    private static List<string>? List(IReadOnlyList<string>? values, string field, Dictionary<string, string[]> errors)
    {
        var items = values?.Distinct(StringComparer.Ordinal).ToList();
        foreach (var item in items ?? [])
        {
            Text(item, field, errors);
        }
        return items is { Count: > 0 } ? items : null;
    }

    private static List<JobState>? States(IReadOnlyList<string>? names, string field, Dictionary<string, string[]> errors)
    {
        if (names is null)
        {
            return null;
        }
        var states = new List<JobState>();
        foreach (var name in names)
        {
            if (JobStates.TryParse(name, out var state) && !int.TryParse(name, out _))
            {
                states.Add(state);
            }
            else
            {
                errors[field] = [$"'{name}' is not a state; states are {string.Join(", ", Enum.GetValues<JobState>().Select(s => s.ToDb()))}."];
            }
        }
        return states.Distinct().ToList();
    }

    /// <summary>The value, null when empty; a value the database cannot search for (a NUL, broken Unicode) is an error.</summary>
    private static string? Text(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (StorableText.Problem(value) is { } problem)
        {
            errors[field] = [$"{field} {problem}."];
            return null;
        }
        return value;
    }

    private static DateTimeOffset? Time(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        errors[field] = [$"'{value}' is not a time; use ISO 8601, e.g. 2026-01-31T12:00:00Z."];
        return null;
    }
}
