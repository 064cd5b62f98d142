using System.Buffers;
using System.Text.Json;

namespace Jobs.Webhooks;

/// <summary>
/// The body of a delivery: the Standard Webhooks envelope <c>{"type", "timestamp", "data"}</c>,
/// built from the stored message, so it is the same bytes on every attempt.
/// </summary>
internal static class WebhookBody
{
    public static byte[] Build(string eventType, DateTime createdAtUtc, string payloadJson)
    {
        var buffer = new ArrayBufferWriter<byte>(payloadJson.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", eventType);
            writer.WriteString("timestamp", DateTime.SpecifyKind(createdAtUtc, DateTimeKind.Utc));
            writer.WritePropertyName("data");
            writer.WriteRawValue(payloadJson);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
