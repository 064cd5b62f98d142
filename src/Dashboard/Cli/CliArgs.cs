namespace Jobs.Dashboard.Cli;

/// <summary>A command's <c>--name value</c> options, refusing any it does not take (<see cref="ArgumentException"/>, exit code 2).</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private CliArgs(IReadOnlyList<string> positional) => Positional = positional;

    /// <summary>The arguments before the first option (the subcommand, a name or an id).</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>Reads <paramref name="args"/>; <paramref name="usage"/> ends the message of a mistake.</summary>
    public static CliArgs Parse(string[] args, string[] options, string usage)
    {
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var parsed = new CliArgs(positional);
        for (var i = positional.Count; i < args.Length; i += 2)
        {
            if (!options.Contains(args[i], StringComparer.Ordinal))
            {
                throw new ArgumentException($"Unknown option {args[i]}. usage: {usage}");
            }
            parsed._values[args[i][2..]] = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
        }
        return parsed;
    }

    /// <summary>An option's value, or null when not given.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>A comma-separated option as a list, or null when not given (an empty value is an empty list).</summary>
    public List<string>? List(string name) =>
        this[name]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
