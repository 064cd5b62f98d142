using System.Reflection;
using System.Text;

namespace Jobs.Engine.Storage;

/// <summary>
/// Numbered SQL migrations embedded in an assembly: resources named <c>{prefix}{version}_{name}.sql</c>,
/// with <c>{{schema}}</c> where the schema name goes.
/// </summary>
public sealed class MigrationSet
{
    private MigrationSet(string name, IReadOnlyList<Migrator.Migration> migrations)
    {
        Name = name;
        Migrations = migrations;
    }

    /// <summary>The engine's own migrations.</summary>
    public static MigrationSet Engine { get; } = FromAssembly("engine", typeof(MigrationSet).Assembly, "Jobs.Engine.Migrations.");

    /// <summary>What the set is, for messages.</summary>
    public string Name { get; }

    /// <summary>The migrations, in version order.</summary>
    public IReadOnlyList<Migrator.Migration> Migrations { get; }

    /// <summary>Loads the embedded <c>.sql</c> resources whose names start with <paramref name="resourcePrefix"/>.</summary>
    public static MigrationSet FromAssembly(string name, Assembly assembly, string resourcePrefix)
    {
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Migrator.Migration.From(n[resourcePrefix.Length..^4], Read(assembly, n)))
            .OrderBy(m => m.Version)
            .ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Migrations {string.Join(" and ", duplicate.Select(m => m.Name))} of {name} share version {duplicate.Key}.");
        }
        return new MigrationSet(name, migrations);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
