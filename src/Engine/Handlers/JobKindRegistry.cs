using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Jobs.Engine.Handlers;

/// <summary>
/// The kinds this process can run, each with its policy: the code's options, overridden by
/// configuration under <c>Jobs:Kinds:{kind}</c>. Built once at start; fails naming the kind when a
/// policy is invalid or a kind is registered twice.
/// </summary>
public sealed class JobKindRegistry
{
    /// <summary>The configuration section of kind policies.</summary>
    public const string SectionName = "Jobs:Kinds";

    private readonly Dictionary<string, JobKindRegistration> _kinds;

    /// <summary>Builds the registry from the registrations and the configuration.</summary>
    public JobKindRegistry(IEnumerable<JobKindRegistration> registrations, IConfiguration? configuration = null)
    {
        _kinds = new Dictionary<string, JobKindRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (_kinds.TryGetValue(registration.Kind, out var existing))
            {
                if (existing.HandlerType == registration.HandlerType)
                {
                    continue;
                }
                throw new OptionsValidationException(registration.Kind, typeof(JobKindOptions),
                    [$"Kind '{registration.Kind}' is registered twice, for {existing.HandlerType.Name} and {registration.HandlerType.Name}."]);
            }
            var section = configuration?.GetSection(SectionName).GetSection(registration.Kind);
            if (section is not null && section.Exists())
            {
                // The binder appends to lists it finds filled; a schedule in configuration replaces the code's.
                if (section.GetSection("Retry:Schedule").Exists() && registration.Options.Retry is { } retry)
                {
                    retry.Schedule = null;
                }
                section.Bind(registration.Options);
            }
            Validate(registration);
            _kinds.Add(registration.Kind, registration);
        }
    }

    /// <summary>Every registered kind.</summary>
    public IReadOnlyCollection<JobKindRegistration> All => _kinds.Values;

    /// <summary>The names of registered kinds that have a global or partition limit.</summary>
    public string[] LimitedKinds => _kinds.Values.Where(k => k.Options.IsLimited).Select(k => k.Kind).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Finds the registration of a kind.</summary>
    public bool TryGet(string kind, out JobKindRegistration registration) => _kinds.TryGetValue(kind, out registration!);

    private static void Validate(JobKindRegistration registration)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(registration.Options, new ValidationContext(registration.Options), results, validateAllProperties: true);
        if (registration.Options.Retry is { } retry)
        {
            Validator.TryValidateObject(retry, new ValidationContext(retry), results, validateAllProperties: true);
        }
        if (results.Count > 0)
        {
            throw new OptionsValidationException(registration.Kind, typeof(JobKindOptions),
                results.Select(r => $"{SectionName}:{registration.Kind}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
