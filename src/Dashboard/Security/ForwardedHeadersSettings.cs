using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Jobs.Dashboard.Security;

/// <summary>
/// Which proxies the dashboard believes about the client: <c>X-Forwarded-For</c> (the client's address,
/// which sign-in throttling counts by) and <c>X-Forwarded-Proto</c> (https at a TLS-terminating proxy,
/// which secure cookies need). Bound from <c>Dashboard:ForwardedHeaders</c>. The headers of any other
/// peer are ignored; <c>X-Forwarded-Host</c> is never read (the proxy passes <c>Host</c> through).
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = DashboardOptions.SectionName + ":ForwardedHeaders";

    /// <summary>
    /// Addresses of proxies whose forwarded headers are believed (<c>10.0.0.5</c>, <c>fd00::5</c>).
    /// The default value is none; while this and <c>KnownNetworks</c> are both empty, only loopback
    /// (127.0.0.0/8 and ::1) is believed, and setting either replaces loopback.
    /// </summary>
    public IList<string> KnownProxies { get; set; } = [];

    /// <summary>
    /// Networks in CIDR notation whose proxies are believed (<c>172.16.0.0/12</c> for Docker's
    /// networks). The default value is none (loopback only, as for <c>KnownProxies</c>).
    /// </summary>
    public IList<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many proxies in a row are believed, each one a known proxy: 2 for a CDN in front of a
    /// load balancer. The default value is 1.
    /// </summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>True when neither list is set: loopback is believed.</summary>
    internal bool LoopbackOnly => KnownProxies.Count == 0 && KnownNetworks.Count == 0;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownProxies)}:{i} ('{KnownProxies[i]}') must be an IP address such as 10.0.0.5 or fd00::5.", [nameof(KnownProxies)]);
            }
        }
        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownNetworks)}:{i} ('{KnownNetworks[i]}') must be a network in CIDR notation such as 172.16.0.0/12 or fd00::/8.", [nameof(KnownNetworks)]);
            }
        }
    }
}
