using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Engine;

/// <summary>The JSON conventions of job arguments: camelCase names, enums as strings, numbers readable from strings.</summary>
public static class JobJson
{
    /// <summary>The serializer options used for every job's arguments.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
