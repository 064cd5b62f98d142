using System.ComponentModel.DataAnnotations;

namespace Jobs.Operators;

/// <summary>Where operator accounts, API keys and the audit log live. Bound from the <c>Operators</c> configuration section.</summary>
public sealed class OperatorsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Operators";

    /// <summary>
    /// The schema of operator accounts and sessions, API keys, the audit log and the dashboard's key
    /// ring: lower-case letters, digits and underscores. Migrated at start with the engine's (under
    /// <c>Jobs:MigrateOnStart</c>). The default value is none: the engine's schema followed by
    /// <c>_operators</c> (<c>jobs_operators</c>), so each engine schema keeps its own operators and keys.
    /// </summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,39}$", ErrorMessage = "Operators:Schema must be 1 to 40 lower-case letters, digits or underscores, not starting with a digit.")]
    public string? Schema { get; set; }

    /// <summary>The schema for an engine on <paramref name="engineSchema"/>: <see cref="Schema"/>, or its default.</summary>
    public string SchemaFor(string engineSchema) => string.IsNullOrEmpty(Schema) ? engineSchema + "_operators" : Schema;
}
