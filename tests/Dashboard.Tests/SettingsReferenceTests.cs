extern alias worker;

using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Jobs.Testing;

namespace Jobs.Dashboard.Tests;

/// <summary>
/// Every setting of both hosts is documented in the README: the table between the settings markers
/// is generated from the options classes (key, default, their XML documentation). This test fails
/// when the README's table differs from what the code says; <c>JOBS_UPDATE_README=1</c> rewrites it.
/// </summary>
public sealed partial class SettingsReferenceTests
{
    private const string Begin = "<!-- settings:begin (generated from the options classes by SettingsReferenceTests; JOBS_UPDATE_README=1 rewrites it) -->";
    private const string End = "<!-- settings:end -->";

    /// <summary>The options classes and the sections they bind from, in the order the README lists them.</summary>
    private static readonly (string Section, Type Type)[] Sections =
    [
        ("Jobs", typeof(Engine.JobsOptions)),
        ("Jobs:Server", typeof(Engine.Server.JobServerOptions)),
        ("Jobs:Kinds:{kind}", typeof(Engine.Handlers.JobKindOptions)),
        ("Jobs:Recurring", typeof(Engine.Recurring.RecurringOptions)),
        ("Worker", typeof(worker::Jobs.Worker.WorkerOptions)),
        ("Dashboard", typeof(DashboardOptions)),
        ("Operators", typeof(Jobs.Operators.OperatorsOptions)),
        ("RequestLogging", typeof(Hosting.Http.RequestLoggingOptions)),
        ("Metrics", typeof(Hosting.Metrics.MetricsOptions)),
        ("Telemetry", typeof(Hosting.Telemetry.TelemetryOptions)),
        ("App", typeof(Jobs.AppOptions)),
        ("App:Payments", typeof(Jobs.Payments.PaymentsOptions)),
        ("App:Inventory", typeof(Jobs.Inventory.InventoryOptions)),
        ("App:Webhooks", typeof(Jobs.Webhooks.WebhooksOptions)),
        ("App:CacheWarming", typeof(Jobs.CacheWarming.CacheWarmingOptions)),
        ("App:Backups", typeof(Jobs.Backups.BackupOptions)),
    ];

    /// <summary>Properties filled from a configuration key of another name.</summary>
    private static readonly Dictionary<string, string> KeyNames = new() { ["ArgsJson"] = "Args" };

    [Fact]
    public void The_readme_documents_every_setting_as_the_code_defines_it()
    {
        var readme = Path.Combine(Repository.Root, "README.md");
        var text = File.ReadAllText(readme);
        var begin = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md needs the markers {Begin} and {End}.");
        var generated = Generate();
        var current = text[(begin + Begin.Length)..end];
        if (current != generated && Environment.GetEnvironmentVariable("JOBS_UPDATE_README") == "1")
        {
            File.WriteAllText(readme, text[..(begin + Begin.Length)] + generated + text[end..]);
            return;
        }
        Assert.True(current == generated,
            "The settings table in README.md is out of date with the options classes; run the tests with JOBS_UPDATE_README=1 to regenerate it.\n" +
            $"Expected:\n{generated}");
    }

    private static string Generate()
    {
        var text = new StringBuilder("\n| Setting | Default | |\n|---|---|---|\n");
        foreach (var (section, type) in Sections)
        {
            Rows(text, section, type, depth: 0);
        }
        return text.ToString();
    }

    private static void Rows(StringBuilder text, string prefix, Type type, int depth)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetSetMethod() is not null))
        {
            var key = $"{prefix}:{KeyNames.GetValueOrDefault(property.Name, property.Name)}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var value = property.GetValue(instance);
            if (IsDictionary(propertyType, out var valueType) && !IsSimple(valueType) && depth < 3)
            {
                Rows(text, $"{key}:{{name}}", valueType, depth + 1);
                continue;
            }
            if (!IsSimple(propertyType) && !typeof(IEnumerable).IsAssignableFrom(propertyType) && depth < 3)
            {
                Rows(text, key, propertyType, depth + 1);
                continue;
            }
            text.Append("| `").Append(key).Append("` | ").Append(Default(value)).Append(" | ").Append(Summary(property)).Append(" |\n");
        }
    }

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) ||
        type == typeof(DateTimeOffset) || type == typeof(Uri) || Nullable.GetUnderlyingType(type) is not null;

    private static bool IsDictionary(Type type, out Type valueType)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type : null;
        valueType = dictionary?.GetGenericArguments()[1] ?? typeof(object);
        return dictionary is not null;
    }

    private static string Default(object? value) => value switch
    {
        null => "",
        string s when s.Length == 0 => "",
        string s => $"`{s}`",
        bool b => b ? "true" : "false",
        TimeSpan t => $"`{t.ToString("c", CultureInfo.InvariantCulture)}`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IDictionary { Count: 0 } or ICollection { Count: 0 } => "",
        IEnumerable items => $"`{string.Join(", ", items.Cast<object>())}`",
        _ => $"`{value}`",
    };

    private static readonly Dictionary<Assembly, XDocument?> Docs = [];

    /// <summary>The property's XML documentation summary, as one line of Markdown.</summary>
    private static string Summary(PropertyInfo property)
    {
        var assembly = property.DeclaringType!.Assembly;
        if (!Docs.TryGetValue(assembly, out var docs))
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            Docs[assembly] = docs = File.Exists(path) ? XDocument.Load(path) : null;
        }
        var name = $"P:{property.DeclaringType!.FullName!.Replace('+', '.')}.{property.Name}";
        var summary = docs?.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == name)?.Element("summary");
        Assert.True(summary is not null, $"{name} has no XML documentation: every setting is documented where it is declared.");
        var line = string.Concat(summary!.Nodes().Select(Render));
        return Whitespace().Replace(line, " ").Trim().Replace("|", "\\|", StringComparison.Ordinal);
    }

    private static string Render(XNode node) => node switch
    {
        XText text => text.Value,
        XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
        XElement { Name.LocalName: "see" } see => see.Attribute("cref") is { } cref ? $"`{cref.Value.Split('.', ':')[^1]}`" : see.Value,
        XElement { Name.LocalName: "paramref" or "typeparamref" } reference => $"`{(string?)reference.Attribute("name")}`",
        XElement element => string.Concat(element.Nodes().Select(Render)),
        _ => "",
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
