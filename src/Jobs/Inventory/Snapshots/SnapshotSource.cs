using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Jobs.Engine.Handlers;
using Jobs.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Jobs.Inventory.Snapshots;

/// <summary>
/// Opens a warehouse's count snapshot, from the warehouse endpoint or from a file, and sorts what
/// can go wrong: a snapshot or configuration that does not exist fails the job for good; an
/// endpoint that is down, slow, or answers 408, 429 or 5xx fails the attempt, to be retried.
/// </summary>
internal sealed class SnapshotSource(
    IHttpClientFactory httpClients,
    IOptions<InventoryOptions> options,
    TimeProvider timeProvider,
    ILogger<SnapshotSource> logger)
{
    /// <summary>The name of the HttpClient that fetches snapshots.</summary>
    public const string HttpClientName = "inventory.warehouse";

    private readonly InventoryOptions _options = options.Value;

    /// <summary>The snapshot id that asks for the newest snapshot the warehouse published.</summary>
    public const string Latest = "latest";

    /// <summary>
    /// The newest snapshot the warehouse published: the greatest id in ordinal order (snapshot ids
    /// are expected to sort by time, such as <c>2026-11-21T10</c>), or null when there is none.
    /// </summary>
    public async Task<string?> LatestAsync(WarehouseRow warehouse, CancellationToken cancellationToken)
    {
        IEnumerable<string> ids;
        if (warehouse.SnapshotSource == "file")
        {
            var folder = Path.Combine(RequireDirectory(warehouse.Code), warehouse.Code);
            ids = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.csv").Select(f => Path.GetFileNameWithoutExtension(f))
                : [];
        }
        else
        {
            var uri = new Uri(Root(warehouse.Code), $"{Uri.EscapeDataString(warehouse.Code)}/snapshots/");
            using var response = await SendAsync(uri, "application/json", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new PermanentJobFailureException(
                    $"Warehouse '{warehouse.Code}' is unknown to its endpoint: {uri} answered 404 {await ReadSnippetAsync(response, cancellationToken)}".TrimEnd());
            }
            await ThrowUnlessSuccessAsync(response, uri, cancellationToken);
            try
            {
                ids = await ResponseBody.ReadAsync(ct => response.Content.ReadFromJsonAsync<string[]>(ct), _options.RequestTimeout, cancellationToken) ?? [];
            }
            catch (TimeoutRejectedException e)
            {
                throw Unavailable(uri, $"the list of snapshots did not arrive within {_options.RequestTimeout.TotalSeconds:0.###} s", TimeSpan.Zero, e);
            }
        }
        return ids.Where(id => id != Latest).Order(StringComparer.Ordinal).LastOrDefault();
    }

    public Task<OpenedSnapshot> OpenAsync(WarehouseRow warehouse, string snapshotId, CancellationToken cancellationToken) =>
        warehouse.SnapshotSource == "file"
            ? Task.FromResult(OpenFile(warehouse.Code, snapshotId))
            : OpenHttpAsync(warehouse.Code, snapshotId, cancellationToken);

    private string RequireDirectory(string warehouse) =>
        string.IsNullOrEmpty(_options.SnapshotDirectory)
            ? throw new PermanentJobFailureException(
                $"Warehouse '{warehouse}' publishes snapshots as files, but {InventoryOptions.SectionName}:SnapshotDirectory is not set.")
            : _options.SnapshotDirectory;

    private Uri Root(string warehouse) =>
        string.IsNullOrEmpty(_options.WarehouseUrl)
            ? throw new PermanentJobFailureException(
                $"Warehouse '{warehouse}' publishes snapshots over HTTP, but {InventoryOptions.SectionName}:WarehouseUrl is not set.")
            : new Uri(_options.WarehouseUrl.EndsWith('/') ? _options.WarehouseUrl : _options.WarehouseUrl + "/");

    private OpenedSnapshot OpenFile(string warehouse, string snapshotId)
    {
        // Codes and ids are checked to be plain names (no separators, no leading dot), so the path
        // stays inside the snapshot folder.
        var path = Path.Combine(RequireDirectory(warehouse), warehouse, snapshotId + ".csv");
        try
        {
            return new OpenedSnapshot(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PermanentJobFailureException($"Snapshot '{snapshotId}' of warehouse '{warehouse}' does not exist: no file {path}.");
        }
    }

    private async Task<OpenedSnapshot> OpenHttpAsync(string warehouse, string snapshotId, CancellationToken cancellationToken)
    {
        var uri = new Uri(Root(warehouse), $"{Uri.EscapeDataString(warehouse)}/snapshots/{Uri.EscapeDataString(snapshotId)}");
        // Only the wait for the response headers is bounded here; the body streams into the
        // database under the job's own timeout.
        var response = await SendAsync(uri, "text/csv", cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new OpenedSnapshot(await response.Content.ReadAsStreamAsync(cancellationToken), uri.ToString(), response);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new PermanentJobFailureException(
                    $"Snapshot '{snapshotId}' of warehouse '{warehouse}' does not exist: {uri} answered 404 {await ReadSnippetAsync(response, cancellationToken)}".TrimEnd());
            }
            await ThrowUnlessSuccessAsync(response, uri, cancellationToken);
            throw new UnreachableException();
        }
    }

    /// <summary>
    /// One GET, bounded until its response headers by the client's resilience handler; failures to
    /// get an answer become retryable. The caller reads the body.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri uri, string accept, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd(accept);
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            throw Unavailable(uri, $"its circuit is open after repeated failures", e.RetryAfter ?? TimeSpan.Zero, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw Unavailable(uri, $"no answer within {_options.RequestTimeout.TotalSeconds:0.###} s", TimeSpan.Zero, e);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable(uri, e.Message, TimeSpan.Zero, e);
        }
    }

    /// <summary>408, 429 and 5xx are retried; any other refusal is final.</summary>
    private async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, Uri uri, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var body = await ReadSnippetAsync(response, cancellationToken);
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            throw Unavailable(uri, $"it answered {status} {body}".TrimEnd(), RetryAfter(response), null);
        }
        throw new PermanentJobFailureException($"The warehouse endpoint refused {uri}: {status} {body}".TrimEnd());
    }

    private RetryJobException Unavailable(Uri uri, string why, TimeSpan retryAfter, Exception? inner)
    {
        InventoryLog.WarehouseUnavailable(logger, uri.GetLeftPart(UriPartial.Path), why);
        return new RetryJobException($"The warehouse endpoint is unavailable ({uri}): {why}", retryAfter, inner);
    }

    private TimeSpan RetryAfter(HttpResponseMessage response) => RetryAfterHeader.Wait(response, timeProvider) ?? TimeSpan.Zero;

    private async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await ResponseBody.ReadAsync(response.Content.ReadAsStringAsync, _options.RequestTimeout, cancellationToken);
        }
        catch (TimeoutRejectedException)
        {
            return "(its body did not arrive in time)";
        }
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 200 ? text : text[..200] + "...";
    }
}
