namespace Jobs.Sandbox.Gateway;

// Authentication, answers and the request log.
internal static partial class GatewayApi
{
    private static async Task<bool> RefuseUnauthorizedAsync(HttpContext http, GatewayState state, GatewayOperation operation, string? id,
        Dictionary<string, string> form)
    {
        if (Authorized(http, state))
        {
            return false;
        }
        await AnswerAsync(http, state, operation, id, form, Unauthorized(http));
        return true;
    }

    /// <summary>The key as Stripe takes it: <c>Authorization: Bearer sk_...</c>, or Basic with the key as the user name (<c>curl -u sk_...:</c>).</summary>
    private static bool Authorized(HttpContext http, GatewayState state)
    {
        var key = ApiKeyOf(http.Request.Headers.Authorization.ToString());
        return !string.IsNullOrEmpty(key) && (state.ApiKey is null || key == state.ApiKey);
    }

    private static string? ApiKeyOf(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return header["Bearer ".Length..].Trim();
        }
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                return decoded.Split(':', 2)[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    // Stripe's 401 names no key, and neither does this one: the key is a secret.
    private static GatewayResponse Unauthorized(HttpContext http) => http.Request.Headers.Authorization.Count == 0
        ? GatewayResponse.Error(401, "invalid_request_error", null,
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.")
        : GatewayResponse.Error(401, "invalid_request_error", null, "Invalid API Key provided.");

    private static async Task AnswerAsync(HttpContext http, GatewayState state, GatewayOperation operation, string? id,
        Dictionary<string, string> form, GatewayResponse response, GatewayFaultKind? fault = null, bool replayed = false)
    {
        Record(http, state, operation, id, form, response, replayed, fault);
        await WriteAsync(http, response, http.Request.Headers["Idempotency-Key"].FirstOrDefault(), replayed);
    }

    private static void Record(HttpContext http, GatewayState state, GatewayOperation operation, string? id, Dictionary<string, string> form,
        GatewayResponse response, bool replayed, GatewayFaultKind? fault) =>
        state.Record(new GatewayRequest(state.Now, operation, id, http.Request.Headers["Idempotency-Key"].FirstOrDefault(),
            http.Request.Headers.Authorization.FirstOrDefault(), form, response.Status, replayed, fault));

    private static async Task WriteAsync(HttpContext http, GatewayResponse response, string? key, bool replayed)
    {
        http.Response.StatusCode = response.Status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Request-Id"] = $"req_{Guid.NewGuid():N}"[..28];
        if (key is not null)
        {
            http.Response.Headers["Idempotency-Key"] = key;
        }
        if (replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        foreach (var (name, value) in response.Headers)
        {
            http.Response.Headers[name] = value;
        }
        await http.Response.WriteAsync(response.Body, http.RequestAborted);
    }

    /// <summary>Ends the connection without an answer, as a network failure after the gateway committed would.</summary>
    private static void Abort(HttpContext http) => http.Abort();
}
