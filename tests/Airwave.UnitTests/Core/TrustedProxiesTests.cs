using System.Net;
using Airwave.Core.Http;
using Microsoft.Extensions.Primitives;

namespace Airwave.UnitTests.Core;

public sealed class TrustedProxiesTests
{
    private static readonly TrustedProxies Edge = Parse("127.0.0.1, 10.0.0.0/8; ::1 2001:db8:1::/48");

    [Fact]
    public void Resolve_NoHeader_Peer() => Edge.Resolve(IPAddress.Parse("10.1.2.3"), StringValues.Empty)!.ToString().ShouldBe("10.1.2.3");

    [Fact]
    public void Resolve_HeaderFromUntrustedPeer_Ignored() =>
        Edge.Resolve(IPAddress.Parse("198.51.100.9"), "203.0.113.7")!.ToString().ShouldBe("198.51.100.9");

    [Fact]
    public void Resolve_NothingTrusted_HeaderIgnored() =>
        TrustedProxies.None.Resolve(IPAddress.Loopback, "203.0.113.7")!.ToString().ShouldBe("127.0.0.1");

    [Fact]
    public void Resolve_TrustedPeer_LastEntryIsTheClient() =>
        Edge.Resolve(IPAddress.Loopback, "203.0.113.7")!.ToString().ShouldBe("203.0.113.7");

    [Fact]
    public void Resolve_ChainOfTrustedHops_FirstUntrustedFromTheRight() =>
        Edge.Resolve(IPAddress.Loopback, "6.6.6.6, 203.0.113.7, 10.0.0.5, 10.9.9.9")!.ToString().ShouldBe("203.0.113.7");

    [Fact]
    public void Resolve_SpoofedLeftEntries_NotBelieved()
    {
        // The client sent "X-Forwarded-For: 1.1.1.1"; the trusted proxy appended what it saw.
        Edge.Resolve(IPAddress.Loopback, "1.1.1.1, 203.0.113.7")!.ToString().ShouldBe("203.0.113.7");
    }

    [Fact]
    public void Resolve_SeveralHeaders_OneListInOrder() =>
        Edge.Resolve(IPAddress.Loopback, new StringValues(["203.0.113.7", "10.0.0.5"]))!.ToString().ShouldBe("203.0.113.7");

    [Fact]
    public void Resolve_AllHopsTrusted_Leftmost() =>
        Edge.Resolve(IPAddress.Loopback, "10.0.0.1, 10.0.0.2")!.ToString().ShouldBe("10.0.0.1");

    [Fact]
    public void Resolve_GarbageEntry_StopsAtLastGoodHop()
    {
        Edge.Resolve(IPAddress.Loopback, "203.0.113.7, not-an-ip")!.ToString().ShouldBe("127.0.0.1");
        Edge.Resolve(IPAddress.Loopback, "203.0.113.7, 10.0.0.9, unknown")!.ToString().ShouldBe("127.0.0.1");
        Edge.Resolve(IPAddress.Loopback, "unknown, 10.0.0.9")!.ToString().ShouldBe("10.0.0.9");
    }

    [Fact]
    public void Resolve_EmptyEntriesAndSpaces_Skipped() =>
        Edge.Resolve(IPAddress.Loopback, " 203.0.113.7 ,, ")!.ToString().ShouldBe("203.0.113.7");

    [Theory]
    [InlineData("203.0.113.7:51234", "203.0.113.7")]
    [InlineData("[2001:db8:2::5]:443", "2001:db8:2::5")]
    [InlineData("2001:db8:2::5", "2001:db8:2::5")]
    [InlineData("\"[2001:db8:2::5]\"", "2001:db8:2::5")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    public void Resolve_EntryForms_Parsed(string entry, string client) =>
        Edge.Resolve(IPAddress.Loopback, entry)!.ToString().ShouldBe(client);

    [Theory]
    [InlineData("[2001:db8:2::5")]
    [InlineData("[2001:db8:2::5]x")]
    [InlineData("fe80::1%eth0")]
    [InlineData("203.0.113.7:80:80")]
    public void Resolve_MalformedEntry_Peer(string entry) => Edge.Resolve(IPAddress.Loopback, entry)!.ToString().ShouldBe("127.0.0.1");

    [Fact]
    public void Resolve_Ipv6Proxy_Trusted()
    {
        Edge.Resolve(IPAddress.Parse("2001:db8:1::10"), "2001:db8:9::1")!.ToString().ShouldBe("2001:db8:9::1");
        Edge.Resolve(IPAddress.IPv6Loopback, "203.0.113.7")!.ToString().ShouldBe("203.0.113.7");
        Edge.Resolve(IPAddress.Parse("2001:db8:2::10"), "203.0.113.7")!.ToString().ShouldBe("2001:db8:2::10");
    }

    [Fact]
    public void Resolve_MappedPeer_MatchesIpv4Range()
    {
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
        Edge.Resolve(IPAddress.Parse("::ffff:10.2.3.4"), "203.0.113.7")!.ToString().ShouldBe("203.0.113.7");
        Edge.Resolve(IPAddress.Parse("::ffff:198.51.100.9"), "203.0.113.7")!.ToString().ShouldBe("198.51.100.9");
    }

    [Fact]
    public void Resolve_NoPeer_Null() => Edge.Resolve(null, "203.0.113.7").ShouldBeNull();

    [Fact]
    public void Parse_Valid_NoProblems()
    {
        var proxies = TrustedProxies.Parse(" 127.0.0.1,10.0.0.0/8 ,\n::1; fd00::/8 ::ffff:192.168.0.0/112", out var problems);

        problems.ShouldBeEmpty();
        proxies.Count.ShouldBe(5);
        proxies.Contains(IPAddress.Parse("192.168.4.5")).ShouldBeTrue();
        proxies.Contains(IPAddress.Parse("fd12::1")).ShouldBeTrue();
        proxies.Contains(IPAddress.Parse("11.0.0.1")).ShouldBeFalse();
    }

    [Fact]
    public void Parse_Invalid_NamesEachEntry()
    {
        TrustedProxies.Parse("10.0.0.1/8, 300.1.1.1, localhost, 10.0.0.0/33, fe80::1%eth0", out var problems);

        problems.Count.ShouldBe(5);
        problems[0].ShouldContain("'10.0.0.1/8' is not a CIDR range: it has bits set after the prefix (write 10.0.0.0/8 for the range)");
        problems[1].ShouldContain("'300.1.1.1'");
        problems[2].ShouldContain("'localhost'");
        problems[3].ShouldContain("'10.0.0.0/33'");
        problems[4].ShouldContain("'fe80::1%eth0'");
    }

    [Fact]
    public void Parse_Empty_NothingTrusted()
    {
        TrustedProxies.Parse("  ", out var problems).Count.ShouldBe(0);
        problems.ShouldBeEmpty();
    }

    private static TrustedProxies Parse(string list)
    {
        var proxies = TrustedProxies.Parse(list, out var problems);
        problems.ShouldBeEmpty();
        return proxies;
    }
}
