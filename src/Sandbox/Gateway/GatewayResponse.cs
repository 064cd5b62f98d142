using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Sandbox.Gateway;

/// <summary>An answer of the sandbox gateway: what it sends, and what it saves under an idempotency key.</summary>
internal sealed record GatewayResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public static GatewayResponse Ok(SandboxPaymentIntent intent) => new(200, JsonSerializer.Serialize(intent, Json), NoHeaders);

    /// <summary>Stripe's error shape: <c>{"error": {"type", "code", "decline_code", "message", "param"}}</c>.</summary>
    public static GatewayResponse Error(int status, string type, string? code, string message, string? declineCode = null, string? param = null,
        IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, JsonSerializer.Serialize(new { error = new ErrorBody(type, code, declineCode, message, param) }, Json), headers ?? NoHeaders);

    // Stripe leaves out the error fields that do not apply; PaymentIntents keep their nulls.
    private sealed record ErrorBody(
        string Type,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeclineCode,
        string Message,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Param);
}
