using System.Text.RegularExpressions;

namespace Jobs.Engine;

/// <summary>The rule for queue names, the same as the database's CHECK constraint.</summary>
public static partial class QueueNames
{
    /// <summary>True for 1 to 64 letters, digits or <c>_ . : -</c>.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex Pattern();
}
