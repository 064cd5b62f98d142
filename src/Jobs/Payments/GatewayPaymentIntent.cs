using System.Text.Json;

namespace Jobs.Payments;

/// <summary>The fields of Stripe's PaymentIntent object the ledger records.</summary>
internal sealed record GatewayPaymentIntent(
    string Id, long Amount, long AmountCapturable, long AmountReceived, string Currency, string Status,
    string? LatestCharge, string? CancellationReason)
{
    public static GatewayPaymentIntent From(JsonElement e)
    {
        // latest_charge is an id, or the Charge object when expanded; API versions before
        // 2022-11-15 list charges under charges.data instead.
        var charge = e.TryGetProperty("latest_charge", out var latest) && latest.ValueKind == JsonValueKind.Object
            ? GatewayReply.String(latest, "id")
            : GatewayReply.String(e, "latest_charge");
        if (charge is null && e.TryGetProperty("charges", out var charges) && charges.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0)
        {
            charge = GatewayReply.String(data[0], "id");
        }
        return new GatewayPaymentIntent(
            GatewayReply.String(e, "id") ?? "",
            GatewayReply.Int64(e, "amount"),
            GatewayReply.Int64(e, "amount_capturable"),
            GatewayReply.Int64(e, "amount_received"),
            GatewayReply.String(e, "currency") ?? "",
            GatewayReply.String(e, "status") ?? "",
            charge,
            GatewayReply.String(e, "cancellation_reason"));
    }
}
