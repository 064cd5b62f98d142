using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Jobs.Hosting.Logging;

/// <summary>
/// The last line of defence for secrets in logs. The code never logs a secret on purpose; this
/// catches the accident: a property whose name says it holds a secret (password, secret, token,
/// API key, authorization, card number, CVC) is replaced by <c>[redacted]</c>, and any text property
/// that contains an API key (ours, <c>jobs_…</c>, or a payment gateway's, <c>sk_live_…</c>), a webhook
/// secret (<c>whsec_…</c>), a bearer credential or a card number (13 to 19 digits passing the Luhn
/// check) has that part masked. The formatters apply the same masking to messages and exceptions.
/// </summary>
internal sealed partial class RedactingEnricher : ILogEventEnricher
{
    public const string Mask = "[redacted]";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            LogEventPropertyValue? clean = SecretName().IsMatch(name) ? new ScalarValue(Mask)
                : value is ScalarValue { Value: string text } && Scrub(text) is { } scrubbed ? new ScalarValue(scrubbed)
                : null;
            if (clean is not null)
            {
                (replaced ??= []).Add(new LogEventProperty(name, clean));
            }
        }
        foreach (var property in replaced ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
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

    [GeneratedRegex("password|passwd|secret|token|api_?key|authorization|cookie|card_?number|cvc|cvv",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex("(?<keep>)(jobs_[0-9a-f]{8,}_[A-Za-z0-9_-]{16,}|whsec_[A-Za-z0-9+/=]{16,}|\\b[sr]k_(test|live)_[A-Za-z0-9]{8,})|(?<keep>\\bBearer\\s+)[A-Za-z0-9._~+/=-]{16,}",
        RegexOptions.CultureInvariant)]
    private static partial Regex SecretValue();

    [GeneratedRegex("\\b\\d(?:[ -]?\\d){12,18}\\b", RegexOptions.CultureInvariant)]
    private static partial Regex CardCandidate();
}
