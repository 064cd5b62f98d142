using System.Net;
using Jobs.Webhooks;
using Microsoft.Extensions.Options;

namespace Jobs.Tests.Webhooks;

/// <summary>
/// The SSRF guard's ranges, one row per block of IANA's special-purpose registries (and
/// multicast): what it refuses and why, and what passes. No connection is made.
/// </summary>
public sealed class WebhookAddressRangeTests
{
    private static WebhookAddressGuard Guard(bool allowLoopback = false, params string[] allowed) =>
        new(Options.Create(new WebhooksOptions { AllowLoopback = allowLoopback, AllowedNetworks = allowed }));

    [Theory]
    [InlineData("0.0.0.0", "an unspecified (\"this network\") address (0.0.0.0/8)")]
    [InlineData("0.255.255.255", "(0.0.0.0/8)")]
    [InlineData("10.0.0.1", "a private address (10.0.0.0/8)")]
    [InlineData("10.255.255.255", "(10.0.0.0/8)")]
    [InlineData("100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)")]
    [InlineData("100.127.255.254", "(100.64.0.0/10)")]
    [InlineData("127.0.0.1", "a loopback address (127.0.0.0/8)")]
    [InlineData("127.255.255.254", "(127.0.0.0/8)")]
    [InlineData("169.254.169.254", "a link-local address (169.254.169.254 is the cloud metadata service) (169.254.0.0/16)")]
    [InlineData("172.16.0.1", "a private address (172.16.0.0/12)")]
    [InlineData("172.31.255.254", "(172.16.0.0/12)")]
    [InlineData("192.0.0.8", "an IETF protocol assignment address (192.0.0.0/24)")]
    [InlineData("192.0.0.170", "(192.0.0.0/24)")]
    [InlineData("192.0.2.10", "a documentation address (192.0.2.0/24)")]
    [InlineData("192.88.99.1", "a 6to4 relay anycast address (192.88.99.0/24)")]
    [InlineData("192.168.1.1", "a private address (192.168.0.0/16)")]
    [InlineData("198.18.0.1", "a benchmarking address (198.18.0.0/15)")]
    [InlineData("198.19.255.254", "(198.18.0.0/15)")]
    [InlineData("198.51.100.7", "a documentation address (198.51.100.0/24)")]
    [InlineData("203.0.113.9", "a documentation address (203.0.113.0/24)")]
    [InlineData("224.0.0.251", "a multicast address (224.0.0.0/4)")]
    [InlineData("239.255.255.250", "(224.0.0.0/4)")]
    [InlineData("240.0.0.1", "a reserved address (240.0.0.0/4)")]
    [InlineData("255.255.255.254", "(240.0.0.0/4)")]
    [InlineData("255.255.255.255", "the broadcast address (255.255.255.255/32)")]
    public void Ipv4_special_purpose_addresses_are_refused_naming_the_range(string address, string reason)
    {
        Assert.EndsWith(reason, Guard().Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::", "the unspecified address (::/128)")]
    [InlineData("::1", "a loopback address (::1/128)")]
    [InlineData("64:ff9b:1::a00:1", "a local-use NAT64 address (64:ff9b:1::/48)")]
    [InlineData("100::1", "a discard-only address (100::/64)")]
    [InlineData("100:0:0:1::1", "a dummy address (100:0:0:1::/64)")]
    [InlineData("2001::1", "a Teredo address (2001::/32)")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address (2001::/32)")]
    [InlineData("2001:1::1", "an IETF protocol assignment address (2001::/23)")]
    [InlineData("2001:2::1", "(2001::/23)")]
    [InlineData("2001:20::1", "(2001::/23)")]
    [InlineData("2001:1ff:ffff::1", "(2001::/23)")]
    [InlineData("2001:db8::1", "a documentation address (2001:db8::/32)")]
    [InlineData("3fff::1", "a documentation address (3fff::/20)")]
    [InlineData("3fff:fff:ffff::1", "(3fff::/20)")]
    [InlineData("5f00::1", "a segment routing (SRv6) address (5f00::/16)")]
    [InlineData("fc00::1", "a unique-local address (fc00::/7)")]
    [InlineData("fd12:3456::1", "(fc00::/7)")]
    [InlineData("fe80::1", "a link-local address (fe80::/10)")]
    [InlineData("febf::1", "(fe80::/10)")]
    [InlineData("fec0::1", "a site-local address (fec0::/10)")]
    [InlineData("ff02::1", "a multicast address (ff00::/8)")]
    public void Ipv6_special_purpose_addresses_are_refused_naming_the_range(string address, string reason)
    {
        Assert.EndsWith(reason, Guard().Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:10.0.0.1", "an IPv4-mapped address of 10.0.0.1, a private address (10.0.0.0/8)")]
    [InlineData("::ffff:169.254.169.254", "an IPv4-mapped address of 169.254.169.254, a link-local address")]
    [InlineData("::10.0.0.1", "an IPv4-compatible address (::/96) of 10.0.0.1, a private address (10.0.0.0/8)")]
    [InlineData("::127.0.0.1", "an IPv4-compatible address (::/96) of 127.0.0.1, a loopback address (127.0.0.0/8)")]
    [InlineData("64:ff9b::10.0.0.1", "a NAT64 address (64:ff9b::/96) of 10.0.0.1, a private address (10.0.0.0/8)")]
    [InlineData("64:ff9b::a9fe:a9fe", "a NAT64 address (64:ff9b::/96) of 169.254.169.254, a link-local address")]
    [InlineData("2002:a00:1::", "a 6to4 address (2002::/16) of 10.0.0.1, a private address (10.0.0.0/8)")]
    [InlineData("2002:7f00:1:1234::1", "a 6to4 address (2002::/16) of 127.0.0.1, a loopback address (127.0.0.0/8)")]
    [InlineData("2002:c0a8:101::1", "a 6to4 address (2002::/16) of 192.168.1.1, a private address (192.168.0.0/16)")]
    [InlineData("2002:a9fe:a9fe::1", "a 6to4 address (2002::/16) of 169.254.169.254, a link-local address")]
    public void Ipv6_forms_that_carry_an_ipv4_address_are_judged_by_it(string address, string reason)
    {
        Assert.StartsWith(reason, Guard().Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("11.0.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("192.0.3.1")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.254")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:200::1")]
    [InlineData("3fff:1000::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_and_forms_that_reach_one_pass(string address)
    {
        Assert.Null(Guard().Refusal(IPAddress.Parse(address)));
    }

    [Fact]
    public void Allowed_networks_and_loopback_let_an_address_through_also_when_it_carries_an_allowed_ipv4_address()
    {
        var guard = Guard(false, "10.0.0.0/8", "fd00::/8");
        Assert.All(["10.1.2.3", "::ffff:10.1.2.3", "64:ff9b::a01:203", "2002:a01:203::1", "fd12::1"],
            a => Assert.Null(guard.Refusal(IPAddress.Parse(a))));
        Assert.NotNull(guard.Refusal(IPAddress.Parse("192.168.1.1")));
        Assert.NotNull(guard.Refusal(IPAddress.Parse("fc00::1")));

        var loopback = Guard(allowLoopback: true);
        Assert.All(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"], a => Assert.Null(loopback.Refusal(IPAddress.Parse(a))));
        Assert.NotNull(loopback.Refusal(IPAddress.Parse("10.0.0.1")));
        Assert.NotNull(loopback.Refusal(IPAddress.Parse("::")));
    }
}
