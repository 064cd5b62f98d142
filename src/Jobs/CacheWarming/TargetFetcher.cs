using System.Buffers;
using System.Net;
using Jobs.Http;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Jobs.CacheWarming;

/// <summary>
/// Requests one target through the job's HttpClient, whose resilience handler bounds each request
/// and breaks the circuit per destination, conditionally when validators are known, and reads the
/// whole body (warming means the cache stored it) within the per-request timeout too. Classifies
/// what happened; never throws for a bad target, only when <c>cancellationToken</c> fires.
/// </summary>
internal sealed class TargetFetcher(IHttpClientFactory clients, IOptionsMonitor<CacheWarmingOptions> options, TimeProvider timeProvider)
{
    /// <summary>The named HttpClient of the job.</summary>
    public const string ClientName = "cache.warm";

    /// <summary>The sitemaps protocol's limit on one sitemap, uncompressed.</summary>
    public const int MaxSitemapBytes = 50 * 1024 * 1024;

    public async Task<TargetResult> FetchAsync(PendingTarget target, bool keepBody, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var url = new Uri(target.Url);
        var http = clients.CreateClient(ClientName);
        var started = timeProvider.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (target.ETag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", target.ETag);
            }
            if (target.LastModified is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Modified-Since", target.LastModified);
            }
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            // A body that trickles is cut by the per-request timeout as well.
            var (bytes, body) = await ResponseBody.ReadAsync(ct => ReadBodyAsync(response, keepBody && response.IsSuccessStatusCode, ct),
                settings.RequestTimeout, cancellationToken);
            return Classify(response, Elapsed(started), bytes, body);
        }
        catch (BrokenCircuitException e)
        {
            return new TargetResult(TargetOutcome.Transient, null, Elapsed(started), null,
                $"circuit open for {url.GetLeftPart(UriPartial.Authority)}: {e.Message}", RetryAfter: e.RetryAfter ?? settings.BreakDuration);
        }
        catch (TimeoutRejectedException)
        {
            return new TargetResult(TargetOutcome.Transient, null, Elapsed(started), null, $"timed out after {settings.RequestTimeout}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new TargetResult(TargetOutcome.Transient, null, Elapsed(started), null, $"{e.GetType().Name}: {e.Message}");
        }
        catch (BodyTooLargeException e)
        {
            return new TargetResult(TargetOutcome.Failed, e.Status, Elapsed(started), e.Bytes, e.Message);
        }
    }

    private static TargetResult Classify(HttpResponseMessage response, double latencyMs, long bytes, byte[]? body)
    {
        var status = (int)response.StatusCode;
        var etag = response.Headers.TryGetValues("ETag", out var etags) ? etags.FirstOrDefault() : null;
        var lastModified = response.Content.Headers.TryGetValues("Last-Modified", out var dates) ? dates.FirstOrDefault() : null;
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new TargetResult(TargetOutcome.NotModified, status, latencyMs, bytes, null, etag, lastModified);
        }
        if (response.IsSuccessStatusCode)
        {
            return new TargetResult(TargetOutcome.Warm, status, latencyMs, bytes, null, etag, lastModified, body);
        }
        var outcome = IsTransient(response.StatusCode) ? TargetOutcome.Transient : TargetOutcome.Failed;
        return new TargetResult(outcome, status, latencyMs, bytes, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
    }

    /// <summary>Statuses that can change by themselves; every other non-2xx (404, 410, 401, 403, 3xx left unfollowed) is permanent.</summary>
    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or (HttpStatusCode)425 or HttpStatusCode.TooManyRequests;

    private static async Task<(long Bytes, byte[]? Body)> ReadBodyAsync(HttpResponseMessage response, bool keep, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var kept = keep ? new MemoryStream() : null;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (kept is not null)
                {
                    if (total > MaxSitemapBytes)
                    {
                        throw new BodyTooLargeException((int)response.StatusCode, total);
                    }
                    kept.Write(buffer, 0, read);
                }
            }
            return (total, kept?.ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private double Elapsed(long started) => Math.Round(timeProvider.GetElapsedTime(started).TotalMilliseconds, 3);

    private sealed class BodyTooLargeException(int status, long bytes)
        : Exception($"sitemap larger than {MaxSitemapBytes / (1024 * 1024)} MB (the sitemaps protocol's limit)")
    {
        public int Status { get; } = status;
        public long Bytes { get; } = bytes;
    }
}
