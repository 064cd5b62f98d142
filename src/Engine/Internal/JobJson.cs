using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jobs.Engine;

/// <summary>
/// The JSON conventions of job arguments: camelCase names, enums as strings, numbers readable from
/// strings. Binding is strict where it matters: a constructor parameter without a default must be
/// present, and null is refused where the record says non-nullable, so arguments that do not fit
/// fail to bind (and the job is dead with the reason) instead of running with holes.
/// </summary>
public static class JobJson
{
    /// <summary>The serializer options used for every job's arguments.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
