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
}
