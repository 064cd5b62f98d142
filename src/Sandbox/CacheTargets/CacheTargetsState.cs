using System.Collections.Concurrent;

namespace Jobs.Sandbox.CacheTargets;

/// <summary>
/// The cache targets' state: which pages the sitemap lists, each page's version (its ETag and
/// Last-Modified), scripted failures and delays per path, and every request received, with how
/// many were in flight at once. Paths are request paths, e.g. <c>/cache/pages/home</c>.
/// </summary>
public sealed class CacheTargetsState
{
    private readonly ConcurrentDictionary<string, int> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failureStatus = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _fixedStatus = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<CacheRequest> _requests = new();
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>When the pages were first published; a page's Last-Modified is this plus its version in minutes.</summary>
    public DateTimeOffset Published { get; } = new(DateTimeOffset.UtcNow.Year - 1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The pages <c>/cache/sitemap.xml</c> lists, as paths under <c>/cache/pages/</c>.</summary>
    public IList<string> SitemapPages { get; } = new List<string> { "home", "about", "products", "products/1", "contact" };

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyCollection<CacheRequest> Requests => _requests;

    /// <summary>The most requests that were in progress at one time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Requests received for a path (any status).</summary>
    public int Count(string path) => _requests.Count(r => r.Path == path);

    /// <summary>Requests for a path answered with <paramref name="status"/>.</summary>
    public int Count(string path, int status) => _requests.Count(r => r.Path == path && r.Status == status);

    /// <summary>The next <paramref name="times"/> requests for the path answer <paramref name="status"/>, then it recovers.</summary>
    public void FailNext(string path, int times, int status = 503)
    {
        _failureStatus[path] = status;
        _failuresLeft[path] = times;
    }

    /// <summary>Every request for the path answers <paramref name="status"/> (e.g. 404) until <see cref="Clear"/>.</summary>
    public void AlwaysAnswer(string path, int status) => _fixedStatus[path] = status;

    /// <summary>Requests for the path wait this long before they are answered.</summary>
    public void Delay(string path, TimeSpan delay) => _delays[path] = delay;

    /// <summary>Publishes a new version of a page: new body, ETag and Last-Modified.</summary>
    public void Change(string path) => _versions.AddOrUpdate(path, 2, (_, v) => v + 1);

    /// <summary>Removes the scripts of a path.</summary>
    public void Clear(string path)
    {
        _failuresLeft.TryRemove(path, out _);
        _fixedStatus.TryRemove(path, out _);
        _delays.TryRemove(path, out _);
    }

    internal int VersionOf(string path) => _versions.GetValueOrDefault(path, 1);

    internal TimeSpan DelayOf(string path) => _delays.GetValueOrDefault(path);

    /// <summary>The scripted status for this request, if any; consumes one scripted failure.</summary>
    internal int? ScriptedStatus(string path)
    {
        if (_fixedStatus.TryGetValue(path, out var status))
        {
            return status;
        }
        while (_failuresLeft.TryGetValue(path, out var left) && left > 0)
        {
            if (_failuresLeft.TryUpdate(path, left - 1, left))
            {
                return _failureStatus.GetValueOrDefault(path, 503);
            }
        }
        return null;
    }

    internal void Entered()
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
    }

    internal void Left(CacheRequest request)
    {
        _requests.Enqueue(request);
        Interlocked.Decrement(ref _inFlight);
    }
}

/// <summary>One request a cache target received.</summary>
/// <param name="Path">The request path.</param>
/// <param name="IfNoneMatch">The If-None-Match header, if sent.</param>
/// <param name="IfModifiedSince">The If-Modified-Since header, if sent.</param>
/// <param name="Status">The status answered; 0 when the client went away first.</param>
/// <param name="At">When it arrived.</param>
public sealed record CacheRequest(string Path, string? IfNoneMatch, string? IfModifiedSince, int Status, DateTimeOffset At);
