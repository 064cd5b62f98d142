using Jobs.Engine.Client;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Every API request has a correlation id: the caller's <c>X-Correlation-ID</c>, else a new one.
/// Jobs the request enqueues carry it (unless the body names another), the request's log lines
/// carry it, and the response echoes it.
/// </summary>
internal sealed class CorrelationIdFilter(ILogger<CorrelationIdFilter> logger) : IEndpointFilter
{
    public const string Header = "X-Correlation-ID";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var given = http.Request.Headers[Header].ToString();
        if (given.Length > 0 && !IsValid(given))
        {
            return ApiProblems.Invalid(Header, $"{Header} must be 1 to 200 printable ASCII characters.");
        }
        var id = given.Length > 0 ? given : Guid.CreateVersion7().ToString("N");
        http.Response.Headers[Header] = id;
        var previous = JobCorrelation.CurrentId;
        JobCorrelation.CurrentId = id;
        try
        {
            using (logger.BeginScope(new Dictionary<string, object?> { ["CorrelationId"] = id }))
            {
                return await next(context);
            }
        }
        finally
        {
            JobCorrelation.CurrentId = previous;
        }
    }

    private static bool IsValid(string value) => value.Length <= 200 && value.All(c => c is >= '!' and <= '~');
}
