using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jobs.Engine;

/// <summary>Options bound from configuration and checked at start, with messages that name the key.</summary>
public static class SettingsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> and validates it when the host
    /// starts: every data annotation on it and on the objects, lists and dictionaries it holds, each
    /// failure reported as <c>Section:Path:Member</c> with what is allowed and the value found
    /// (except for members that hold secrets), e.g. <c>Jobs:Server:PrefetchLimit must be between 1
    /// and 100000 (got 0).</c>
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section) where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new SettingsValidator<T>(section)));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    private sealed class SettingsValidator<T>(string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            if (name != Options.DefaultName)
            {
                return ValidateOptionsResult.Skip;
            }
            var failures = new List<string>();
            Walk(options, section, failures, depth: 0);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Walk(object value, string path, List<string> failures, int depth)
        {
            if (depth > 8)
            {
                return;
            }
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty(""))
                {
                    failures.Add(Describe(value, path, member, result.ErrorMessage ?? "is not valid"));
                }
            }
            foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || !IsComposite(property.PropertyType) || property.GetValue(value) is not { } child)
                {
                    continue;
                }
                var childPath = $"{path}:{property.Name}";
                switch (child)
                {
                    case IDictionary dictionary:
                        foreach (DictionaryEntry entry in dictionary)
                        {
                            if (entry.Value is { } item && IsComposite(item.GetType()))
                            {
                                Walk(item, $"{childPath}:{entry.Key}", failures, depth + 1);
                            }
                        }
                        break;
                    case IEnumerable list:
                        var index = 0;
                        foreach (var item in list)
                        {
                            if (item is not null && IsComposite(item.GetType()))
                            {
                                Walk(item, $"{childPath}:{index}", failures, depth + 1);
                            }
                            index++;
                        }
                        break;
                    default:
                        Walk(child, childPath, failures, depth + 1);
                        break;
                }
            }
        }

        private static bool IsComposite(Type type) =>
            !type.IsValueType && type != typeof(string) && type != typeof(Uri) && !type.IsArray || type.IsArray && IsComposite(type.GetElementType()!);

        private static string Describe(object owner, string path, string member, string message)
        {
            if (member.Length == 0)
            {
                return $"{path}: {message}";
            }
            if (message.Contains($"{path}:{member}", StringComparison.Ordinal))
            {
                // The object's own check already names the key.
                return message;
            }
            // "The field X must be ..." and "The X field is required." read better after the key.
            var text = message.Replace($"The field {member} ", "", StringComparison.Ordinal)
                .Replace($"The {member} field ", "", StringComparison.Ordinal)
                .TrimEnd('.');
            var found = owner.GetType().GetProperty(member)?.GetValue(owner);
            var shown = IsSecret(member) ? "" : found switch
            {
                null => " (not set)",
                IFormattable formattable => $" (got {formattable.ToString(null, CultureInfo.InvariantCulture)})",
                _ => $" (got '{found}')",
            };
            return $"{path}:{member} {text}{shown}.";
        }

        private static bool IsSecret(string member) =>
            member.Contains("Secret", StringComparison.OrdinalIgnoreCase) || member.Contains("Password", StringComparison.OrdinalIgnoreCase) ||
            member.Contains("ApiKey", StringComparison.OrdinalIgnoreCase) || member.Contains("Token", StringComparison.OrdinalIgnoreCase) ||
            member.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase);
    }
}
