using Jobs.Hosting.Http;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// The API refuses a malformed <c>X-Correlation-ID</c> (400) instead of replacing it, so a caller
/// learns its ids are not being kept. A good one, or a new one when none is given, is set for the
/// whole request by the host's request context: stored on the jobs the request enqueues (unless
/// the body names another), on its log lines, and echoed in the response.
/// </summary>
internal sealed class CorrelationIdFilter : IEndpointFilter
{
    public const string Header = CorrelationIds.HeaderName;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = context.HttpContext.Request.Headers[Header].ToString();
        return given.Length > 0 && CorrelationIds.Accept(given) is null
            ? ValueTask.FromResult<object?>(ApiProblems.Invalid(Header, $"{Header} must be {CorrelationIds.Rule}."))
            : next(context);
    }
}
