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
    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    private readonly IPNetwork[] _allowed;

    public WebhookAddressGuard(IOptions<WebhooksOptions> options)
    {
        var allowed = options.Value.AllowedNetworks.Select(n => IPNetwork.Parse(n));
        _allowed = (options.Value.AllowLoopback ? allowed.Concat(Loopback) : allowed).ToArray();
    }

    /// <summary>
    /// Why <paramref name="address"/> is refused (what it is and its range), or null when a delivery
    /// may connect to it: a public address, or one on the allow list. An IPv6 form that carries an
    /// IPv4 address (<see cref="SpecialPurposeAddresses.Embedded"/>) is judged by that IPv4 address.
    /// </summary>
    public string? Refusal(IPAddress address)
    {
        var carried = SpecialPurposeAddresses.Embedded(address);
        if (IsAllowed(address) || carried is { } allowed && IsAllowed(allowed.IPv4))
        {
            return null;
        }
        if (carried is { } embedded)
        {
            return SpecialPurposeAddresses.Describe(embedded.IPv4) is { } what ? $"{embedded.Form} of {embedded.IPv4}, {what}" : null;
        }
        return SpecialPurposeAddresses.Describe(address);
    }

    /// <summary>
    /// Why an endpoint URL is refused now (its host, the address it resolves to, what that is), or
    /// null when every address it resolves to may be reached. Run when an endpoint is created or its
    /// URL changed, so an operator learns at once; it does not replace the check at each delivery
    /// (a DNS record can change afterwards). A name that does not resolve (yet) is let through:
    /// each delivery resolves it again and is refused then if need be.
    /// </summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = url.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            }
            catch (Exception e) when (e is SocketException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } what)
            {
                return $"{url.Host} resolves to {address}, {what}; the SSRF guard sends webhooks to public addresses only, " +
                    "unless App:Webhooks:AllowedNetworks (or AllowLoopback) allows it.";
            }
        }
        return null;
    }

    private bool IsAllowed(IPAddress address) => _allowed.Any(n => n.Contains(address));

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
