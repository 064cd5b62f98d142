using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Jobs.Webhooks;

/// <summary>
/// The SSRF guard: endpoints are URLs anyone with the API can set, so a delivery must not reach
/// the worker's own network (the cloud metadata service, the database, internal admin ports).
/// The check runs at connect time, on the addresses the name resolves to then (<see cref="ConnectAsync"/>):
/// checking the URL when the endpoint is created would let a DNS record change afterwards
/// (DNS rebinding) slip through. Every resolved address must be public or explicitly allowed, and
/// the socket connects to an address that was checked, never to a name resolved again.
/// </summary>
internal sealed class WebhookAddressGuard
{
    // Refused unless allowed: (network, what it is). IPv4-mapped IPv6 addresses are checked as the
    // IPv4 address they carry, so ::ffff:127.0.0.1 is loopback and ::ffff:10.0.0.1 private.
    private static readonly (IPNetwork Network, string What)[] Refused =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified (\"this network\") address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (169.254.169.254 is the cloud metadata service)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol assignment address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "the unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("::/96"), "an IPv4-compatible address"),
        (IPNetwork.Parse("64:ff9b::/96"), "a NAT64 address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    private readonly IPNetwork[] _allowed;

    public WebhookAddressGuard(IOptions<WebhooksOptions> options)
    {
        var allowed = options.Value.AllowedNetworks.Select(n => IPNetwork.Parse(n));
        _allowed = (options.Value.AllowLoopback ? allowed.Concat(Loopback) : allowed).ToArray();
    }

    /// <summary>Why <paramref name="address"/> is refused, or null when a delivery may connect to it.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowed.Any(n => n.Contains(address)))
        {
            return null;
        }
        foreach (var (network, what) in Refused)
        {
            if (network.Contains(address))
            {
                return what;
            }
        }
        return null;
    }

    /// <summary>
    /// The handler's connect callback: resolves the host, refuses the connection (before any
    /// socket is opened) when any address is refused, else connects to the checked addresses in
    /// turn.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(literal, out var address)
            ? [address]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        // All, not any: a name with one public and one private address would otherwise reach the
        // private one whenever the public one fails.
        foreach (var candidate in addresses)
        {
            if (Refusal(candidate) is { } what)
            {
                throw new WebhookAddressRefusedException(host, candidate, what);
            }
        }
        for (var i = 0; ; i++)
        {
            // A mapped address was checked as the IPv4 address it carries: connect to that one.
            var target = addresses[i].IsIPv4MappedToIPv6 ? addresses[i].MapToIPv4() : addresses[i];
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException) when (i < addresses.Length - 1)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
