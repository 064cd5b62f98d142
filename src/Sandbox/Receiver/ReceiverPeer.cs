using System.Globalization;

namespace Jobs.Sandbox.Receiver;

/// <summary>
/// Webhook receivers under <c>/receiver/</c>: <c>POST /receiver/{name}</c> records the webhook
/// (headers and raw body) and answers as scripted through <see cref="ReceiverState"/>, or as the
/// query asks (<c>?status=503&amp;delayMs=2000&amp;retryAfter=5</c>, or <c>?failForSeconds=120</c>: 500 until that long
/// after its first request; for demos), else 200.
/// <c>GET /receiver/{name}</c> lists what it received; <c>DELETE /receiver/{name}</c> forgets it.
/// </summary>
public static class ReceiverPeer
{
    public static IServiceCollection AddReceiver(this IServiceCollection services) =>
        services.AddSingleton<ReceiverState>();

    public static WebApplication MapReceiver(this WebApplication app)
    {
        app.MapPost("/receiver/{name}", ReceiveAsync);
        app.MapGet("/receiver/{name}", (string name, ReceiverState state) => TypedResults.Ok(state.Received(name).Select(w => new
        {
            w.At,
            w.Id,
            w.Timestamp,
            w.Signature,
            Body = w.Text,
        })));
        app.MapDelete("/receiver/{name}", (string name, ReceiverState state) =>
        {
            state.Reset(name);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static async Task ReceiveAsync(string name, HttpContext context, ReceiverState state)
    {
        var arrived = DateTimeOffset.UtcNow;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var (reply, gate) = state.Arrived(new ReceivedWebhook(name, arrived, headers, body.ToArray()));
        try
        {
            reply = FromQuery(context.Request.Query, reply, state.FirstArrival(name) ?? arrived);
            await gate.WaitAsync(context.RequestAborted);
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            context.Response.StatusCode = reply.Status;
            if (reply.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = reply.RetryAfter;
            }
            if (reply.Location is not null)
            {
                context.Response.Headers.Location = reply.Location;
            }
            await context.Response.WriteAsync(reply.Status is >= 200 and < 300 ? "ok" : $"receiver {name} answers {reply.Status}", context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The sender gave up (its timeout): nothing to answer.
        }
        finally
        {
            state.Left(name);
        }
    }

    private static ReceiverReply FromQuery(IQueryCollection query, ReceiverReply reply, DateTimeOffset firstArrival)
    {
        if (int.TryParse(query["status"], CultureInfo.InvariantCulture, out var status))
        {
            reply = reply with { Status = status };
        }
        if (int.TryParse(query["delayMs"], CultureInfo.InvariantCulture, out var delayMs))
        {
            reply = reply with { Delay = TimeSpan.FromMilliseconds(delayMs) };
        }
        if (query["retryAfter"] is { Count: > 0 } retryAfter)
        {
            reply = reply with { RetryAfter = retryAfter.ToString() };
        }
        // A receiver that is down for a while: 500 until this long after its first request.
        if (int.TryParse(query["failForSeconds"], CultureInfo.InvariantCulture, out var failFor)
            && DateTimeOffset.UtcNow - firstArrival < TimeSpan.FromSeconds(failFor))
        {
            reply = reply with { Status = StatusCodes.Status500InternalServerError };
        }
        return reply;
    }
}
