using Hangfire.Storage.Monitoring;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// The Dashboard's statistics, reused for <see cref="JobsStorageOptions.StatisticsCacheDuration"/>:
/// every page of the Dashboard shows them and every open one polls them, and counting seven states
/// exactly up to the monitor's cap reads tens of thousands of index entries at a million jobs. One
/// caller counts at a time; the others wait for its answer rather than count again.
/// </summary>
internal sealed class StatisticsCache(TimeSpan duration, TimeProvider time)
{
    private readonly Lock _lock = new();
    private (StatisticsDto Value, long At)? _latest;

    public StatisticsDto Get(Func<StatisticsDto> count)
    {
        if (duration <= TimeSpan.Zero)
        {
            return count();
        }
        lock (_lock)
        {
            if (_latest is { } latest && time.GetElapsedTime(latest.At) < duration)
            {
                return latest.Value;
            }
            var value = count();
            _latest = (value, time.GetTimestamp());
            return value;
        }
    }
}
