using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Jobs.Sandbox.Gateway;

/// <summary>
/// The sandbox gateway's routes: Stripe's PaymentIntent calls under <c>/gateway/v1/...</c>
/// (Bearer key, form-encoded bodies, Idempotency-Key, Stripe's error shapes and headers), and
/// <c>/gateway/sandbox/...</c> to script faults and read captures from scripts.
/// </summary>
internal static partial class GatewayApi
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

    private static GatewayResponse InvalidInteger(string param) =>
        GatewayResponse.Error(400, "invalid_request_error", "parameter_invalid_integer", $"Invalid positive integer: {param}", param: param);

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
