using System.Net;
using System.Net.Sockets;

namespace Jobs.Webhooks;

/// <summary>
/// The address ranges the SSRF guard refuses: every block of IANA's IPv4 and IPv6 special-purpose
/// address registries (RFC 6890 and later), and multicast. IPv6 forms that carry an IPv4 address
/// and reach it (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by that IPv4 address.
/// </summary>
internal static class SpecialPurposeAddresses
{
    // Most specific first: the first match names the address. A few registry entries inside these
    // blocks are globally reachable anycast services (192.0.0.9, 2001:1::1, AS112); they are no
    // webhook receivers, so their whole blocks are refused.
    private static readonly (IPNetwork Network, string What)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified (\"this network\") address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (169.254.169.254 is the cloud metadata service)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol assignment address"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation address"),
        (IPNetwork.Parse("192.88.99.0/24"), "a 6to4 relay anycast address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation address"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("255.255.255.255/32"), "the broadcast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address"),
        (IPNetwork.Parse("::/128"), "the unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a local-use NAT64 address"),
        (IPNetwork.Parse("100::/64"), "a discard-only address"),
        (IPNetwork.Parse("100:0:0:1::/64"), "a dummy address"),
        // Teredo tunnels to a client behind a NAT through UDP relays; the IPv4 address it carries
        // is the client's, obfuscated. Nothing a webhook goes to.
        (IPNetwork.Parse("2001::/32"), "a Teredo address"),
        (IPNetwork.Parse("2001::/23"), "an IETF protocol assignment address"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation address"),
        (IPNetwork.Parse("3fff::/20"), "a documentation address"),
        (IPNetwork.Parse("5f00::/16"), "a segment routing (SRv6) address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>What <paramref name="address"/> is, naming its range, or null for an ordinary (public) address.</summary>
    public static string? Describe(IPAddress address)
    {
        foreach (var (network, what) in Ranges)
        {
            if (network.Contains(address))
            {
                return $"{what} ({network})";
            }
        }
        return null;
    }

    /// <summary>
    /// The IPv4 address an IPv6 address carries and reaches, with the form that carries it, or
    /// null. IPv4-mapped: the socket connects to the IPv4 address itself; NAT64: a translator
    /// forwards to it; 6to4: a relay tunnels to it; IPv4-compatible: deprecated, read as mapped.
    /// </summary>
    public static (IPAddress IPv4, string Form)? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        var last32 = new IPAddress(bytes.AsSpan(12, 4));
        // By the flag: IPNetwork.Contains reads a mapped address as its IPv4 address, so an IPv6
        // network (::ffff:0:0/96 included) never contains one.
        if (address.IsIPv4MappedToIPv6)
        {
            return (last32, "an IPv4-mapped address");
        }
        if (Nat64.Contains(address))
        {
            return (last32, $"a NAT64 address ({Nat64})");
        }
        if (SixToFour.Contains(address))
        {
            return (new IPAddress(bytes.AsSpan(2, 4)), $"a 6to4 address ({SixToFour})");
        }
        // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
        if (Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
        {
            return (last32, $"an IPv4-compatible address ({Compatible})");
        }
        return null;
    }
}
