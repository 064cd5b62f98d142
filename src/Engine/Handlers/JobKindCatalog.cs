using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Jobs.Engine.Handlers;

/// <summary>
/// The kinds this process knows, with their args records: what an enqueue from outside (the HTTP
/// API) is checked against before it goes in. Built from the registered handlers, so a host that
/// registers the handlers of the kinds it accepts knows them without running them.
/// </summary>
public sealed class JobKindCatalog(IEnumerable<JobKindRegistration> registrations)
{
    private readonly Dictionary<string, JobKindRegistration> _kinds =
        registrations.GroupBy(r => r.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>The known kind names, sorted.</summary>
    public IReadOnlyList<string> Kinds => _kinds.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The args record of a kind, or null when the kind is unknown.</summary>
    public Type? ArgsType(string kind) => _kinds.TryGetValue(kind, out var registration) ? registration.ArgsType : null;

    /// <summary>
    /// Checks arguments against the kind's record as the server will bind them. Returns the
    /// problems (field path and message); empty when they bind. Every missing required field is
    /// named; otherwise the first field that does not fit. Throws <see cref="KeyNotFoundException"/>
    /// for an unknown kind.
    /// </summary>
    public IReadOnlyList<ArgsProblem> Validate(string kind, JsonElement args)
    {
        if (!_kinds.TryGetValue(kind, out var registration))
        {
            throw new KeyNotFoundException($"Unknown kind '{kind}'.");
        }
        if (args.ValueKind != JsonValueKind.Object)
        {
            return [new ArgsProblem("$", $"args must be a JSON object (got {args.ValueKind}).")];
        }
        var type = JobJson.Options.GetTypeInfo(registration.ArgsType);
        var missing = Missing(type, args);
        if (missing.Count > 0)
        {
            return missing;
        }
        try
        {
            registration.Invoker.Bind(args.GetRawText());
            return [];
        }
        catch (JsonException e)
        {
            return [new ArgsProblem(e.Path ?? "$", Describe(e, type, args))];
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return [new ArgsProblem("$", e.Message)];
        }
    }

    /// <summary>The record's required fields (constructor parameters without a default) that the object lacks.</summary>
    private static List<ArgsProblem> Missing(JsonTypeInfo type, JsonElement args)
    {
        var present = args.EnumerateObject().Select(p => p.Name).ToHashSet(
            JobJson.Options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        return type.Properties
            .Where(p => (p.IsRequired || p.AssociatedParameter is { HasDefaultValue: false }) && !present.Contains(p.Name))
            .Select(p => new ArgsProblem("$." + p.Name, $"{p.Name} is required ({Expected(p.PropertyType)}).")).ToList();
    }

    private static string Describe(JsonException e, JsonTypeInfo type, JsonElement args)
    {
        // The serializer names .NET types; a caller in another language needs the JSON it expected.
        var name = e.Path is { } path && path.StartsWith("$.", StringComparison.Ordinal) && path.IndexOfAny(['.', '['], 2) < 0 ? path[2..] : null;
        var property = name is null ? null : type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (property is null)
        {
            return e.Message;
        }
        var isNull = args.EnumerateObject().Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Null);
        return isNull
            ? $"{property.Name} must not be null ({Expected(property.PropertyType)})."
            : $"{property.Name} must be {Expected(property.PropertyType)}.";
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte)
                || type == typeof(ulong) || type == typeof(uint) || type == typeof(ushort) || type == typeof(sbyte) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an ISO 8601 time",
            _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
            _ when type == typeof(Guid) => "a UUID",
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)) => "an array",
            _ => "an object",
        };
    }
}

/// <summary>Why arguments do not bind.</summary>
/// <param name="Path">The JSON path of the field (<c>$.amount</c>), or <c>$</c> for the whole object.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ArgsProblem(string Path, string Message);
