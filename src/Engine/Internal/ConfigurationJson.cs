using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Jobs.Engine;

/// <summary>
/// Turns a configuration section into a JSON object, for job arguments declared in
/// <c>appsettings.json</c>. Configuration keeps every value as a string; <c>true</c>/<c>false</c>
/// become booleans, sections whose keys are 0, 1, 2... become arrays, and numbers stay strings, which
/// job arguments read as numbers (<see cref="JobJson.Options"/> allows it).
/// </summary>
internal static class ConfigurationJson
{
    public static JsonObject ToObject(IConfigurationSection section)
    {
        var result = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            result[child.Key] = ToNode(child);
        }
        return result;
    }

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value switch
            {
                null => null,
                "true" or "True" => JsonValue.Create(true),
                "false" or "False" => JsonValue.Create(false),
                var text => JsonValue.Create(text),
            };
        }
        if (children.Select((c, i) => c.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(x => x))
        {
            return new JsonArray(children.Select(ToNode).ToArray());
        }
        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToNode(child);
        }
        return obj;
    }
}
