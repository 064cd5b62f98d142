using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Jobs.Sandbox.Gateway;

/// <summary>
/// The sandbox gateway's routes: Stripe's PaymentIntent calls under <c>/gateway/v1/...</c>
/// (Bearer key, form-encoded bodies, Idempotency-Key, Stripe's error shapes and headers), and
/// <c>/gateway/sandbox/...</c> to script faults and read captures from scripts.
/// </summary>
internal static class GatewayApi
{
    public static void Map(WebApplication app)
    {
        var v1 = app.MapGroup("/gateway/v1/payment_intents");
        v1.MapPost("", CreateAsync);
        v1.MapGet("{id}", RetrieveAsync);
        v1.MapPost("{id}/capture", CaptureAsync);
        v1.MapPost("{id}/cancel", CancelAsync);

        var sandbox = app.MapGroup("/gateway/sandbox");
        sandbox.MapPost("faults", ScriptAsync);
        sandbox.MapGet("intents/{id}", (string id, GatewayState state) => state.GetIntent(id) is { } intent
            ? Results.Json(new { intent, captures = state.CaptureCount(id) }, GatewayResponse.Json)
            : Results.NotFound());
        sandbox.MapPost("intents/{id}/expire", (string id, GatewayState state) => state.GetIntent(id) is null
            ? Results.NotFound()
            : Results.Json(state.Expire(id), GatewayResponse.Json));
    }

    private static async Task CreateAsync(HttpContext http, GatewayState state)
    {
        var form = await ReadFormAsync(http);
        if (await RefuseUnauthorizedAsync(http, state, GatewayOperation.Create, null, form))
        {
            return;
        }
        if (!long.TryParse(Field(form, "amount"), out var amount) || amount < 1)
        {
            await AnswerAsync(http, state, GatewayOperation.Create, null, form, InvalidInteger("amount"));
            return;
        }
        var currency = Field(form, "currency");
        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetter))
        {
            await AnswerAsync(http, state, GatewayOperation.Create, null, form,
                GatewayResponse.Error(400, "invalid_request_error", "parameter_invalid_string", "Invalid currency.", param: "currency"));
            return;
        }
        await IdempotentAsync(http, state, GatewayOperation.Create, null, form, _ => GatewayResponse.Ok(state.CreateIntent(amount, currency)));
    }

    private static async Task RetrieveAsync(HttpContext http, string id, GatewayState state)
    {
        if (await RefuseUnauthorizedAsync(http, state, GatewayOperation.Retrieve, id, EmptyForm))
        {
            return;
        }
        var fault = state.TakeFault(GatewayOperation.Retrieve, id);
        if (fault is not null && await RefuseAsync(http, state, GatewayOperation.Retrieve, id, EmptyForm, fault))
        {
            return;
        }
        await AnswerAsync(http, state, GatewayOperation.Retrieve, id, EmptyForm, state.Retrieve(id), fault?.Kind);
    }

    private static async Task CaptureAsync(HttpContext http, string id, GatewayState state)
    {
        var form = await ReadFormAsync(http);
        if (await RefuseUnauthorizedAsync(http, state, GatewayOperation.Capture, id, form))
        {
            return;
        }
        long? amount = null;
        if (Field(form, "amount_to_capture") is { } raw)
        {
            if (!long.TryParse(raw, out var value) || value < 1)
            {
                await AnswerAsync(http, state, GatewayOperation.Capture, id, form, InvalidInteger("amount_to_capture"));
                return;
            }
            amount = value;
        }
        await IdempotentAsync(http, state, GatewayOperation.Capture, id, form,
            fault => state.Capture(id, amount, fault?.Kind == GatewayFaultKind.Decline ? fault.DeclineCode : null));
    }

    private static async Task CancelAsync(HttpContext http, string id, GatewayState state)
    {
        var form = await ReadFormAsync(http);
        if (await RefuseUnauthorizedAsync(http, state, GatewayOperation.Cancel, id, form))
        {
            return;
        }
        await IdempotentAsync(http, state, GatewayOperation.Cancel, id, form, _ => state.Cancel(id, Field(form, "cancellation_reason")));
    }

    private static async Task<IResult> ScriptAsync(HttpContext http, GatewayState state)
    {
        try
        {
            var fault = await JsonSerializer.DeserializeAsync<GatewayFault>(http.Request.Body, ScriptJson, http.RequestAborted);
            if (fault is null || fault.Times < 1)
            {
                return Results.BadRequest("A fault needs a kind and times >= 1.");
            }
            state.Script(fault);
            return Results.NoContent();
        }
        catch (JsonException e)
        {
            return Results.BadRequest(e.Message);
        }
    }

    /// <summary>
    /// A POST under Stripe's idempotency rules, with the scripted fault (if any) applied before or
    /// after the commit. <paramref name="execute"/> does the call's work and commits.
    /// </summary>
    private static async Task IdempotentAsync(HttpContext http, GatewayState state, GatewayOperation operation, string? id,
        Dictionary<string, string> form, Func<GatewayFault?, GatewayResponse> execute)
    {
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is not null)
        {
            var fingerprint = $"{http.Request.Method} {http.Request.Path} {string.Join('&', form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";
            var (check, saved) = state.BeginKey(key, fingerprint);
            switch (check)
            {
                case GatewayState.KeyCheck.Replay:
                    await AnswerAsync(http, state, operation, id, form, saved!, replayed: true);
                    return;
                case GatewayState.KeyCheck.Mismatch:
                    await AnswerAsync(http, state, operation, id, form, GatewayResponse.Error(400, "idempotency_error", null,
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
                    return;
                case GatewayState.KeyCheck.InFlight:
                    await AnswerAsync(http, state, operation, id, form, GatewayResponse.Error(409, "idempotency_error", "idempotency_key_in_use",
                        "There is currently another in-progress request using this idempotent key. Please try again later."));
                    return;
            }
        }

        var kept = false;
        try
        {
            var fault = state.TakeFault(operation, id);
            if (fault is not null && await RefuseAsync(http, state, operation, id, form, fault))
            {
                return;
            }
            if (fault?.Kind == GatewayFaultKind.StallBeforeCommit)
            {
                // Not cut short when the caller leaves: the work goes on without it.
                await Task.Delay(fault.Stall);
            }
            var response = execute(fault);
            if (fault?.Kind == GatewayFaultKind.ServerErrorAfterCommit)
            {
                response = ServerError(fault);
            }
            if (key is not null)
            {
                state.SaveKey(key, response);
                kept = true;
            }
            switch (fault?.Kind)
            {
                case GatewayFaultKind.DropAfterCommit:
                    Record(http, state, operation, id, form, response, false, fault.Kind);
                    Abort(http);
                    return;
                case GatewayFaultKind.StallAfterCommit:
                    Record(http, state, operation, id, form, response, false, fault.Kind);
                    if (await StallAsync(http, fault.Stall))
                    {
                        await WriteAsync(http, response, key, replayed: false);
                    }
                    return;
            }
            if (http.RequestAborted.IsCancellationRequested)
            {
                Record(http, state, operation, id, form, response, false, fault?.Kind);
                return;
            }
            await AnswerAsync(http, state, operation, id, form, response, fault?.Kind);
        }
        finally
        {
            if (key is not null && !kept)
            {
                // Refused before execution (or the handler failed): nothing to replay, a retry runs.
                state.ForgetKey(key);
            }
        }
    }

    /// <summary>Waits, or until the caller goes away; false when it went away.</summary>
    private static async Task<bool> StallAsync(HttpContext http, TimeSpan stall)
    {
        try
        {
            await Task.Delay(stall, http.RequestAborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Answers a fault that strikes before anything is done; false for faults that let the call run.</summary>
    private static async Task<bool> RefuseAsync(HttpContext http, GatewayState state, GatewayOperation operation, string? id,
        Dictionary<string, string> form, GatewayFault fault)
    {
        switch (fault.Kind)
        {
            case GatewayFaultKind.RateLimit:
                var headers = fault.RetryAfter is { } after
                    ? new Dictionary<string, string> { ["Retry-After"] = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                    : null;
                await AnswerAsync(http, state, operation, id, form, GatewayResponse.Error(429, "invalid_request_error", "rate_limit",
                    "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.", headers: headers), fault.Kind);
                return true;
            case GatewayFaultKind.Conflict:
                await AnswerAsync(http, state, operation, id, form, GatewayResponse.Error(409, "idempotency_error", "idempotency_key_in_use",
                    "There is currently another in-progress request using this idempotent key. Please try again later."), fault.Kind);
                return true;
            case GatewayFaultKind.ServerError:
                await AnswerAsync(http, state, operation, id, form, ServerError(fault), fault.Kind);
                return true;
            case GatewayFaultKind.DropBeforeCommit:
                Record(http, state, operation, id, form, GatewayResponse.Error(0, "api_connection_error", null, "dropped"), false, fault.Kind);
                Abort(http);
                return true;
            default:
                return false;
        }
    }

    private static GatewayResponse ServerError(GatewayFault fault) => GatewayResponse.Error(500, "api_error", null,
        "An unknown error occurred while processing your request.",
        headers: fault.ShouldRetry is { } retry ? new Dictionary<string, string> { ["Stripe-Should-Retry"] = retry ? "true" : "false" } : null);

    private static GatewayResponse InvalidInteger(string param) =>
        GatewayResponse.Error(400, "invalid_request_error", "parameter_invalid_integer", $"Invalid positive integer: {param}", param: param);

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

    private static readonly Dictionary<string, string> EmptyForm = [];

    private static readonly JsonSerializerOptions ScriptJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            return [];
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        return form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
    }

    private static string? Field(Dictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value : null;
}
