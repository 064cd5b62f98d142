using System.Collections.Concurrent;

namespace Jobs.Hosting.Metrics;

/// <summary>The tags of one series, stored once when the series is first seen.</summary>
internal sealed class TagSet(KeyValuePair<string, object?>[] tags, int hash)
{
    public KeyValuePair<string, object?>[] Tags { get; } = tags;
    public int Hash { get; } = hash;
}

/// <summary>The tags of a measurement as it arrives, looked up without copying them.</summary>
internal readonly ref struct TagSpan(ReadOnlySpan<KeyValuePair<string, object?>> tags)
{
    public ReadOnlySpan<KeyValuePair<string, object?>> Tags { get; } = tags;
}

/// <summary>
/// Compares tag sets regardless of the order the tags were given in, so a measurement finds its
/// series with no allocation (through <see cref="ConcurrentDictionary{TKey, TValue}.GetAlternateLookup{TAlternateKey}"/>).
/// </summary>
internal sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<TagSpan, TagSet>
{
    public static readonly TagSetComparer Instance = new();

    public bool Equals(TagSet? x, TagSet? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash && Same(x.Tags, y.Tags));

    public int GetHashCode(TagSet set) => set.Hash;

    public bool Equals(TagSpan span, TagSet set) => Same(span.Tags, set.Tags);

    public int GetHashCode(TagSpan span) => Hash(span.Tags);

    public TagSet Create(TagSpan span) => new(span.Tags.ToArray(), Hash(span.Tags));

    /// <summary>Order-independent: the sum of each tag's own hash.</summary>
    public static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var (key, value) in tags)
        {
            hash += HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        }
        return hash;
    }

    private static bool Same(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            // Usually in the same order: try the same position first.
            if (!(string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) && Equals(a[i].Value, b[i].Value)) && !Contains(b, a[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Contains(ReadOnlySpan<KeyValuePair<string, object?>> tags, KeyValuePair<string, object?> tag)
    {
        foreach (var (key, value) in tags)
        {
            if (string.Equals(key, tag.Key, StringComparison.Ordinal) && Equals(value, tag.Value))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>What one series has accumulated: a sum (counters), a last value (gauges), or buckets (histograms).</summary>
internal sealed class Series
{
    private readonly long[]? _buckets;
    private double _value;
    private long _count;

    public Series(int bucketCount) => _buckets = bucketCount > 0 ? new long[bucketCount + 1] : null;

    /// <summary>The sum (counters, histograms) or the last value (gauges).</summary>
    public double Value => Volatile.Read(ref _value);

    /// <summary>Measurements recorded (histograms).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Per bucket (not cumulative); the last one is above the highest bound.</summary>
    public long BucketCount(int index) => Interlocked.Read(ref _buckets![index]);

    public void Add(double value)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + value, current);
            // Compared as bits: NaN never equals itself.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }
            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Record(double value, double[] bounds)
    {
        var index = Array.BinarySearch(bounds, value);
        // Prometheus buckets are "less than or equal": an exact bound belongs to its own bucket.
        Interlocked.Increment(ref _buckets![index >= 0 ? index : ~index]);
        Interlocked.Increment(ref _count);
        Add(value);
    }
}

/// <summary>The series of one instrument, keyed by tag set, with a cap on how many it keeps.</summary>
internal sealed class SeriesMap(int bucketCount, int limit)
{
    private static readonly KeyValuePair<string, object?>[] OverflowTags = [new("otel_metric_overflow", "true")];

    private readonly ConcurrentDictionary<TagSet, Series> _series = new(TagSetComparer.Instance);
    private Series? _overflow;

    public Series Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var lookup = _series.GetAlternateLookup<TagSpan>();
        var span = new TagSpan(tags);
        if (lookup.TryGetValue(span, out var series))
        {
            return series;
        }
        if (_series.Count >= limit)
        {
            // Beyond the cap (a tag with unbounded values), measurements still count, in one series.
            return LazyInitializer.EnsureInitialized(ref _overflow, () => new Series(bucketCount));
        }
        series = new Series(bucketCount);
        return lookup.TryAdd(span, series) ? series : lookup[span];
    }

    public void Clear() => _series.Clear();

    public IEnumerable<(KeyValuePair<string, object?>[] Tags, Series Series)> All()
    {
        foreach (var (tags, series) in _series)
        {
            yield return (tags.Tags, series);
        }
        if (_overflow is { } overflow)
        {
            yield return (OverflowTags, overflow);
        }
    }
}
