using System.Globalization;
using System.Net.Http.Headers;
using Jobs.Http;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Jobs.Payments;

/// <summary>
/// Speaks Stripe's PaymentIntent API (the capture and retrieve calls): form-encoded bodies, a
/// Bearer key, an Idempotency-Key on the capture. The HttpClient's resilience handler
/// (<see cref="OutboundResilience"/>) bounds each call and breaks the circuit to a failing gateway;
/// it repeats a retrieve whose connection failed, never a capture: the job retries that.
/// </summary>
internal sealed class GatewayClient(HttpClient http, IOptions<PaymentsOptions> options, TimeProvider timeProvider)
{
    /// <summary><c>POST /v1/payment_intents/{id}/capture</c> with <c>amount_to_capture</c>.</summary>
    /// <exception cref="GatewayUnavailableException">No answer; the capture may or may not have happened.</exception>
    public Task<GatewayReply> CaptureAsync(string paymentIntentId, long amount, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(baseUri =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}/capture"))
            {
                Content = new FormUrlEncodedContent([new("amount_to_capture", amount.ToString(CultureInfo.InvariantCulture))]),
            };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, cancellationToken);

    /// <summary><c>GET /v1/payment_intents/{id}</c>.</summary>
    /// <exception cref="GatewayUnavailableException">No answer.</exception>
    public Task<GatewayReply> RetrieveAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        SendAsync(baseUri => new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}")),
            cancellationToken);

    private async Task<GatewayReply> SendAsync(Func<Uri, HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var baseUri = new Uri(settings.GatewayUrl.EndsWith('/') ? settings.GatewayUrl : settings.GatewayUrl + "/");
        try
        {
            using var request = create(baseUri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
            if (settings.ApiVersion is { } version)
            {
                request.Headers.Add("Stripe-Version", version);
            }
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ResponseBody.ReadAsync(response.Content.ReadAsStringAsync, settings.RequestTimeout, cancellationToken);
            return GatewayReply.Parse(response.StatusCode, body, ShouldRetry(response), RetryAfter(response),
                Header(response, "Idempotent-Replayed") == "true");
        }
        catch (BrokenCircuitException e)
        {
            var wait = e.RetryAfter ?? settings.BreakDuration;
            throw new GatewayUnavailableException($"The gateway's circuit breaker is open after repeated failures; calls resume in {wait}.", wait, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new GatewayUnavailableException($"The gateway did not answer within {settings.RequestTimeout}.", TimeSpan.Zero, e);
        }
        catch (HttpRequestException e)
        {
            throw new GatewayUnavailableException($"The gateway call failed without an answer: {e.Message}", TimeSpan.Zero, e);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim().ToLowerInvariant() : null;

    private static bool? ShouldRetry(HttpResponseMessage response) => Header(response, "Stripe-Should-Retry") switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    private TimeSpan? RetryAfter(HttpResponseMessage response) => RetryAfterHeader.Wait(response, timeProvider);
}
