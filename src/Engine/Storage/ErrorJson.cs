using System.Globalization;
using System.Text.Json;
using Jobs.Engine.Client;

namespace Jobs.Engine.Storage;

/// <summary>The JSON of one entry in a job's <c>errors</c> array (snake_case, as the rescuer's SQL writes it too).</summary>
internal static class ErrorJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(JobError error) => JsonSerializer.Serialize(error, Options);

    /// <summary>
    /// Reads a job's <c>errors</c>, whatever they hold: the engine writes objects of one shape, but SQL
    /// written by hand may leave anything. Every element becomes an entry, so none is hidden; a field of
    /// another type is shown as its JSON, a missing or unreadable time as <paramref name="unknownAt"/>.
    /// </summary>
    public static IReadOnlyList<JobError> Read(string? json, DateTimeOffset unknownAt)
    {
        if (json is null)
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Select(e => Entry(e, unknownAt)).ToList()
                : [Unreadable(document.RootElement.GetRawText(), unknownAt)];
        }
        catch (JsonException)
        {
            return [Unreadable(json, unknownAt)];
        }
    }

    private static JobError Entry(JsonElement entry, DateTimeOffset unknownAt)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return Unreadable(entry.ValueKind == JsonValueKind.String ? entry.GetString()! : entry.GetRawText(), unknownAt);
        }
        var attempt = entry.TryGetProperty("attempt", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var n) ? n : 0;
        var at = entry.TryGetProperty("at", out var t) && t.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : unknownAt;
        // A duration that is not one (negative, infinite, beyond what a TimeSpan holds) is left out.
        double? duration = entry.TryGetProperty("duration_ms", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetDouble(out var ms)
            && double.IsFinite(ms) && ms >= 0 && ms <= TimeSpan.MaxValue.TotalMilliseconds ? ms : null;
        return new JobError(attempt, at, Field(entry, "server"), Field(entry, "type") ?? "unknown", Field(entry, "error") ?? "", Field(entry, "stack"), duration);
    }

    private static JobError Unreadable(string json, DateTimeOffset unknownAt) => new(0, unknownAt, null, "unknown", json, null, null);

    private static string? Field(JsonElement entry, string name) => entry.TryGetProperty(name, out var value) ? Text(value) : null;

    /// <summary>A string as itself, null as null, anything else as its JSON.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
