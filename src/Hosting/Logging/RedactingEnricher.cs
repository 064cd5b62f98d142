using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Jobs.Hosting.Logging;

/// <summary>
/// The last line of defence for secrets in logs. The code never logs a secret on purpose; this
/// catches the accident: a property whose name says it holds a secret (password, secret, token,
/// API key, authorization, card number, CVC; and the arguments ASP.NET Core logs a page handler was
/// called with) is replaced by <c>[redacted]</c>, and any text property
/// that contains an API key (ours, <c>jobs_…</c>, or a payment gateway's, <c>sk_live_…</c>), a webhook
/// secret (<c>whsec_…</c>), a bearer credential or a card number (13 to 19 digits passing the Luhn
/// check) has that part masked, inside structures, sequences and dictionaries too. The formatters
/// (<see cref="RedactingFormatter"/>) apply the same masking to message templates and exceptions.
/// </summary>
internal sealed partial class RedactingEnricher : ILogEventEnricher
{
    public const string Mask = "[redacted]";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var property in Clean(logEvent.Properties) ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>Every property, masked where needed, when any holds a secret; null when none does.</summary>
    internal static List<LogEventProperty>? Clean(IReadOnlyDictionary<string, LogEventPropertyValue> properties)
    {
        List<LogEventProperty>? cleaned = null;
        foreach (var (name, value) in properties)
        {
            if (Clean(name, value) is { } clean)
            {
                cleaned ??= [.. properties.Select(p => new LogEventProperty(p.Key, p.Value))];
                cleaned[cleaned.FindIndex(p => p.Name == name)] = new LogEventProperty(name, clean);
            }
        }
        return cleaned;
    }

    /// <summary>The value masked (a secret's name masks it whole, text is scrubbed, structures are walked); null when it holds no secret.</summary>
    private static LogEventPropertyValue? Clean(string name, LogEventPropertyValue value)
    {
        if (SecretName().IsMatch(name))
        {
            return value is ScalarValue { Value: Mask } ? null : new ScalarValue(Mask);
        }
        switch (value)
        {
            case ScalarValue { Value: string text }:
                return Scrub(text) is { } scrubbed ? new ScalarValue(scrubbed) : null;
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(e => Clean("", e)).ToList();
                return elements.Any(e => e is not null)
                    ? new SequenceValue(elements.Select((e, i) => e ?? sequence.Elements[i]))
                    : null;
            case StructureValue structure:
                var members = structure.Properties.Select(p => Clean(p.Name, p.Value)).ToList();
                return members.Any(m => m is not null)
                    ? new StructureValue(structure.Properties.Select((p, i) => new LogEventProperty(p.Name, members[i] ?? p.Value)), structure.TypeTag)
                    : null;
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => Clean(Convert.ToString(e.Key.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Value)).ToList();
                return entries.Any(e => e is not null)
                    ? new DictionaryValue(dictionary.Elements.Select((e, i) => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, entries[i] ?? e.Value)))
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The text with secrets masked, or null when it holds none.</summary>
    public static string? Scrub(string text)
    {
        if (text.Length < 12)
        {
            return null;
        }
        var scrubbed = SecretValue().Replace(text, m => m.Groups["keep"].Value + Mask);
        scrubbed = CardCandidate().Replace(scrubbed, m => IsCardNumber(m.Value) ? Mask : m.Value);
        return ReferenceEquals(scrubbed, text) || scrubbed == text ? null : scrubbed;
    }

    private static bool IsCardNumber(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    // "Arguments" is what ASP.NET Core logs, at Trace level, a page handler or action was called with:
    // the sign-in form's password among them. A test at Verbose level found it in a real dashboard's output.
    [GeneratedRegex("password|passwd|secret|token|api_?key|authorization|cookie|card_?number|cvc|cvv|^arguments$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex("(?<keep>)(jobs_[0-9a-f]{8,}_[A-Za-z0-9_-]{16,}|whsec_[A-Za-z0-9+/=]{16,}|\\b[sr]k_(test|live)_[A-Za-z0-9]{8,})|(?<keep>\\bBearer\\s+)[A-Za-z0-9._~+/=-]{16,}",
        RegexOptions.CultureInvariant)]
    private static partial Regex SecretValue();

    [GeneratedRegex("\\b\\d(?:[ -]?\\d){12,18}\\b", RegexOptions.CultureInvariant)]
    private static partial Regex CardCandidate();
}
