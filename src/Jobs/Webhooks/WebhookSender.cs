using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Jobs.Http;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static Jobs.Webhooks.WebhookAttemptResult;

namespace Jobs.Webhooks;

/// <summary>
/// Makes one signed POST to an endpoint and says what came of it, through the <c>webhooks</c> HTTP
/// client: its resilience handler bounds the call and keeps a circuit breaker per endpoint (keyed by
/// the endpoint id the request carries: two endpoints on one host do not share a breaker), and its
/// handler follows no redirects, uses no proxy and connects through the SSRF guard.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhooksOptions> options, TimeProvider time)
{
    public const string HttpClientName = "webhooks";

    /// <summary>The endpoint a request goes to: its circuit breaker's key.</summary>
    public static readonly HttpRequestOptionsKey<string> Endpoint = new("jobs.webhook-endpoint");

    private const int ErrorBodyBytes = 512;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    public async Task<WebhookAttemptResult> SendAsync(long endpointId, Uri url, string messageId, byte[] body, IReadOnlyList<string> secrets,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // Fresh each attempt (receivers reject old timestamps); the id stays the message's.
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var signature = string.Join(' ', secrets.Select(s => WebhookSignature.Sign(s, messageId, timestamp, body)));
        var client = clients.CreateClient(HttpClientName);
        var started = time.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Options.Set(Endpoint, endpointId.ToString(CultureInfo.InvariantCulture));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation("webhook-id", messageId);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", signature);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var errorBody = response.IsSuccessStatusCode
                ? null
                : await ResponseBody.ReadAsync(ct => ReadStartAsync(response.Content, ct), settings.Timeout, cancellationToken);
            return Classify(response, errorBody, Elapsed(started));
        }
        catch (BrokenCircuitException e)
        {
            return new(FailedOutcome, null, null,
                $"Not sent: endpoint {endpointId}'s circuit breaker is open after repeated failures.", e.RetryAfter ?? settings.BreakDuration);
        }
        catch (TimeoutRejectedException)
        {
            return new(FailedOutcome, null, Elapsed(started), $"No response within {settings.Timeout.TotalSeconds:0.###} s (App:Webhooks:Timeout).");
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            return new(BlockedOutcome, null, null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new(FailedOutcome, null, Elapsed(started), $"Request failed: {e.Message}");
        }
    }

    private WebhookAttemptResult Classify(HttpResponseMessage response, string? errorBody, double latencyMs)
    {
        var code = (int)response.StatusCode;
        var detail = string.IsNullOrWhiteSpace(errorBody) ? "" : ": " + errorBody;
        return code switch
        {
            >= 200 and < 300 => new(DeliveredOutcome, code, latencyMs, null),
            410 => new(GoneOutcome, code, latencyMs, "HTTP 410 Gone: the receiver no longer wants webhooks at this endpoint."),
            // A redirect could lead anywhere, including past the SSRF guard's intent: never followed.
            >= 300 and < 400 => new(FailedOutcome, code, latencyMs, $"HTTP {code}: redirects are not followed; point the endpoint at the final URL."),
            429 or 503 => new(FailedOutcome, code, latencyMs, $"HTTP {code}{detail}", RetryAfter(response)),
            _ => new(FailedOutcome, code, latencyMs, $"HTTP {code}{detail}"),
        };
    }

    /// <summary>Retry-After as seconds or an HTTP date, capped at a day; null when absent.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => RetryAfterHeader.Wait(response, time, MaxRetryAfter);

    private double Elapsed(long started) => Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 1);

    private static WebhookAddressRefusedException? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WebhookAddressRefusedException refused)
            {
                return refused;
            }
        }
        return null;
    }

    /// <summary>The start of an error response, for the attempt's record: a receiver's body is read no further.</summary>
    private static async Task<string> ReadStartAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[ErrorBodyBytes];
        var read = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }
        catch (IOException)
        {
            // The status is what counts; a body cut short only shortens the record.
        }
        var text = Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" ").Trim();
        return read == buffer.Length ? text + "…" : text;
    }
}
