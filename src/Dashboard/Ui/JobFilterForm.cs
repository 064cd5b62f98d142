using System.Globalization;
using System.Text;
using Jobs.Engine.Client;
using Jobs.Engine.States;

namespace Jobs.Dashboard.Ui;

/// <summary>
/// The jobs list's filter as it travels in the query string (every filter has a stable URL) and in
/// the bulk forms: <c>state, kind, queue, tag, partition, correlation, from, to, q, error</c>.
/// Times are UTC.
/// </summary>
public sealed class JobFilterForm
{
    /// <summary>The longest text a filter field takes.</summary>
    public const int MaxText = 300;

    /// <summary>One state, or none for every state.</summary>
    public string? State { get; set; }
    public string? Kind { get; set; }
    public string? Queue { get; set; }
    public string? Tag { get; set; }
    public string? Partition { get; set; }
    public string? Correlation { get; set; }
    /// <summary>Jobs of one recurring schedule (the Recurring page links here).</summary>
    public string? Schedule { get; set; }
    /// <summary>Enqueued at or after (UTC), as typed: a time that does not parse is a <see cref="Problem"/>, not a filter dropped.</summary>
    public string? From { get; set; }
    /// <summary>Enqueued before (UTC), as typed.</summary>
    public string? To { get; set; }
    /// <summary>Search over args, correlation id and error text; also a job's id (<c>29</c>, <c>#29</c>), idempotency key or tag.</summary>
    public string? Q { get; set; }
    /// <summary>The start of the latest error: one dead-letter group.</summary>
    public string? Error { get; set; }

    /// <summary>The state parsed, or null for every state.</summary>
    public JobState? ParsedState => JobStates.TryParse(State, out var state) ? state : null;

    /// <summary><see cref="From"/> parsed, or null when blank or not a time.</summary>
    public DateTime? FromTime => Time(From);

    /// <summary><see cref="To"/> parsed, or null when blank or not a time.</summary>
    public DateTime? ToTime => Time(To);

    /// <summary>True when no criterion is set.</summary>
    public bool IsEmpty => Pairs().Count == 0;

    /// <summary>True when the search is set and nothing else but a state: what the one search box sends.</summary>
    public bool IsSearchOnly => !Blank(Q) && Pairs().All(p => p.Name is "q" or "state");

    /// <summary>What is wrong with the filter, or null.</summary>
    public string? Problem()
    {
        if (State is { Length: > 0 } s && !JobStates.TryParse(s, out _))
        {
            return $"'{s}' is not a state; use one of {string.Join(", ", Enum.GetValues<JobState>().Select(v => v.ToDb()))}.";
        }
        foreach (var (name, value) in new[] { ("from", From), ("to", To) })
        {
            if (!Blank(value) && Time(value) is null)
            {
                return $"'{Format.Cut(value, 40)}' is not a time for '{name}': give a date and time such as 2026-01-31T12:00 (UTC).";
            }
        }
        if (FromTime is { } from && ToTime is { } to && from >= to)
        {
            return "The time range is empty: 'from' must be before 'to'.";
        }
        foreach (var (name, value) in Pairs())
        {
            if (value.Length > MaxText)
            {
                return $"The '{name}' filter is longer than {MaxText} characters.";
            }
            if (StorableText.Problem(value) is { } problem)
            {
                return $"The '{name}' filter {problem}.";
            }
        }
        return null;
    }

    /// <summary>The engine's filter.</summary>
    public JobFilter ToFilter() => new()
    {
        States = ParsedState is { } state ? [state] : null,
        Kinds = Blank(Kind) ? null : [Kind!.Trim()],
        Queues = Blank(Queue) ? null : [Queue!.Trim()],
        Tag = Blank(Tag) ? null : Tag!.Trim(),
        PartitionKey = Blank(Partition) ? null : Partition!.Trim(),
        CorrelationId = Blank(Correlation) ? null : Correlation!.Trim(),
        Schedule = Blank(Schedule) ? null : Schedule,
        CreatedFrom = FromTime is { } from ? new DateTimeOffset(from, TimeSpan.Zero) : null,
        CreatedTo = ToTime is { } to ? new DateTimeOffset(to, TimeSpan.Zero) : null,
        Search = Blank(Q) ? null : Q!.Trim(),
        LastError = Blank(Error) ? null : Error,
    };

    /// <summary>The filter's set fields as query-string pairs, in a stable order.</summary>
    public List<(string Name, string Value)> Pairs()
    {
        var pairs = new List<(string, string)>();
        void Add(string name, string? value)
        {
            if (!Blank(value))
            {
                pairs.Add((name, value!));
            }
        }
        Add("state", State);
        Add("kind", Kind);
        Add("queue", Queue);
        Add("tag", Tag);
        Add("partition", Partition);
        Add("correlation", Correlation);
        Add("schedule", Schedule);
        // A time that parses travels in one form; one that does not, as typed (so its problem shows again).
        Add("from", FromTime?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? From);
        Add("to", ToTime?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? To);
        Add("q", Q);
        Add("error", Error);
        return pairs;
    }

    /// <summary>The query string for this filter, with extra pairs (e.g. a cursor), starting with '?' (or empty).</summary>
    public string Query(params (string Name, string? Value)[] extra)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in Pairs().Select(p => (p.Name, (string?)p.Value)).Concat(extra))
        {
            if (value is null)
            {
                continue;
            }
            builder.Append(builder.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return builder.ToString();
    }

    /// <summary>This filter with another state.</summary>
    public JobFilterForm WithState(string? state)
    {
        var copy = (JobFilterForm)MemberwiseClone();
        copy.State = state;
        return copy;
    }

    /// <summary>The filter in words, for previews and the audit log.</summary>
    public string Describe()
    {
        var pairs = Pairs();
        return pairs.Count == 0 ? "every job" : string.Join(", ", pairs.Select(p => $"{p.Name} {p.Value}"));
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>A time the form's fields send (2026-01-31T12:00, with or without seconds), read as UTC.</summary>
    private static DateTime? Time(string? value) =>
        !Blank(value) && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? DateTime.SpecifyKind(time, DateTimeKind.Utc)
            : null;
}
