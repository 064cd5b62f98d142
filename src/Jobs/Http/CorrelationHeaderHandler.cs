using Jobs.Engine.Client;

namespace Jobs.Http;

/// <summary>
/// Sends the correlation id of the job being run (or of the request being served) as
/// <c>X-Correlation-ID</c> on every outgoing call of the business jobs, so a payment capture, a
/// webhook or a warehouse download can be found in the peer's logs by the id the caller gave.
/// W3C trace context (<c>traceparent</c>) is added by HttpClient itself while a span is current.
/// </summary>
internal sealed class CorrelationHeaderHandler : DelegatingHandler
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "X-Correlation-ID";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (JobCorrelation.CurrentId is { } id && !request.Headers.Contains(HeaderName))
        {
            request.Headers.TryAddWithoutValidation(HeaderName, id);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
