using System.Text.Json;

namespace Jobs.Payments;

/// <summary>Stripe's error object: <c>{"error": {"type", "code", "decline_code", "message"}}</c>.</summary>
internal sealed record GatewayError(string Type, string? Code, string? DeclineCode, string Message)
{
    public static GatewayError From(JsonElement e) => new(
        GatewayReply.String(e, "type") ?? "api_error",
        GatewayReply.String(e, "code"),
        GatewayReply.String(e, "decline_code"),
        GatewayReply.String(e, "message") ?? "");
}
