using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Jobs.Dashboard.Apis;

/// <summary>
/// Times in request bodies must say their offset (<c>Z</c> or <c>+02:00</c>): without one, a time
/// would be read in the dashboard host's own time zone, which the caller cannot know.
/// </summary>
internal sealed partial class OffsetTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException(); // the serializer's "wrong type or format", with the path
        }
        if (!WithOffset().IsMatch(reader.GetString()!))
        {
            throw new JsonException("The time has no offset; give one, e.g. 2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00.");
        }
        return reader.TryGetDateTimeOffset(out var value)
            ? value
            : throw new JsonException("The time is not an ISO 8601 time between the years 1 and 9999, e.g. 2026-01-31T12:00:00Z.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    [GeneratedRegex(@"(Z|z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex WithOffset();
}
