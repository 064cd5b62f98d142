namespace Jobs.Sandbox.Gateway;

// Stripe's idempotency rules and the scripted faults around a POST's execution.
internal static partial class GatewayApi
{
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
}
