using System.Collections;
using Jobs.Engine.Handlers;

namespace Jobs.Engine.Server;

/// <summary>
/// The logging scope of a running job: every line it writes carries JobId, Kind, Attempt, Queue and
/// CorrelationId as structured properties.
/// </summary>
internal sealed class JobLogScope(JobInfoSnapshot job) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 5;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", job.Id),
        1 => new("Kind", job.Kind),
        2 => new("Attempt", job.Attempt),
        3 => new("Queue", job.Queue),
        4 => new("CorrelationId", job.CorrelationId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"Job {job.Id} ({job.Kind}) attempt {job.Attempt}";
}
