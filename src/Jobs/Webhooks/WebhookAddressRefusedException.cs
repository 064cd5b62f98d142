using System.Net;

namespace Jobs.Webhooks;

/// <summary>Thrown by the SSRF guard instead of connecting: the endpoint's host resolved to a refused address.</summary>
internal sealed class WebhookAddressRefusedException(string host, IPAddress address, string what)
    : Exception($"Refused to connect to {host}: it resolves to {address}, {what}. Deliveries go to public addresses only " +
                "unless App:Webhooks:AllowedNetworks (or AllowLoopback) allows it.");
