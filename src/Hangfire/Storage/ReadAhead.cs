using System.Collections.Concurrent;
using Jobs.Engine.Client;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// Jobs a Dashboard page listed, kept a moment for the rows it renders next: Hangfire's Retries page
/// lists ids (<c>GetRangeFromSet("retries")</c>) and then reads each job on a connection of its own,
/// which would be a round trip per row. Only read-only connections (the Dashboard's pages) see these,
/// each job once and within <see cref="Lifetime"/>; Hangfire's state changes read the job afresh.
/// </summary>
internal sealed class ReadAhead(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<long, (JobInfo Job, long At)> _jobs = new();

    public void Put(IEnumerable<JobInfo> jobs)
    {
        foreach (var (id, entry) in _jobs)
        {
            if (time.GetElapsedTime(entry.At) >= Lifetime)
            {
                _jobs.TryRemove(id, out _);
            }
        }
        var now = time.GetTimestamp();
        foreach (var job in jobs)
        {
            _jobs[job.Id] = (job, now);
        }
    }

    public JobInfo? Take(long id) =>
        _jobs.TryRemove(id, out var entry) && time.GetElapsedTime(entry.At) < Lifetime ? entry.Job : null;
}
