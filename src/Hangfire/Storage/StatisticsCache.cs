using Hangfire.Storage.Monitoring;

namespace Jobs.Hangfire.Storage;

/// <summary>
/// The Dashboard's statistics, reused for <see cref="JobsStorageOptions.StatisticsCacheDuration"/>:
/// every page of the Dashboard shows them and every open one polls them, and counting seven states
/// exactly up to the monitor's cap reads tens of thousands of index entries at a million jobs. The
/// first call counts; later, an answer older than the period is still given while one background
/// count brings a new one, so no page waits for a count after the first.
/// </summary>
internal sealed class StatisticsCache(TimeSpan duration, TimeProvider time)
{
    private readonly Lock _lock = new();
    private (StatisticsDto Value, long At)? _latest;
    private Task? _refresh;

    public StatisticsDto Get(Func<StatisticsDto> count)
    {
        if (duration <= TimeSpan.Zero)
        {
            return count();
        }
        lock (_lock)
        {
            if (_latest is not { } latest)
            {
                var value = count();
                _latest = (value, time.GetTimestamp());
                return value;
            }
            if (time.GetElapsedTime(latest.At) >= duration && _refresh is null)
            {
                _refresh = Task.Run(() => Refresh(count));
            }
            return latest.Value;
        }
    }

    private void Refresh(Func<StatisticsDto> count)
    {
        try
        {
            var value = count();
            lock (_lock)
            {
                _latest = (value, time.GetTimestamp());
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database did not answer: the next call tries again, and shows the last counts meanwhile.
        }
        finally
        {
            lock (_lock)
            {
                _refresh = null;
            }
        }
    }
}
