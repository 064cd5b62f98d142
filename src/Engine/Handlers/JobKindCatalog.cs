using System.Text.Json;

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
    /// problems (field path and message); empty when they bind. Throws <see cref="KeyNotFoundException"/>
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
        try
        {
            registration.Invoker.Bind(args.GetRawText());
            return [];
        }
        catch (JsonException e)
        {
            return [new ArgsProblem(e.Path ?? "$", e.Message)];
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return [new ArgsProblem("$", e.Message)];
        }
    }
}

/// <summary>Why arguments do not bind.</summary>
/// <param name="Path">The JSON path of the field (<c>$.amount</c>), or <c>$</c> for the whole object.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ArgsProblem(string Path, string Message);
