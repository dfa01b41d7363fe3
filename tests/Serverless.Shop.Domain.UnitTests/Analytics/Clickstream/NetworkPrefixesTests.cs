using Serverless.Shop.Domain.Analytics.Clickstream;

namespace Serverless.Shop.Domain.UnitTests.Analytics.Clickstream;

public sealed class NetworkPrefixesTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("203.0.113.77:51234", "203.0.113.0/24")]
    [InlineData(" 198.51.100.255 ", "198.51.100.0/24")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0/24")]
    [InlineData("2001:db8:abcd:12:1::5", "2001:db8:abcd::/48")]
    [InlineData("[2001:db8:abcd:12:1::5]:443", "2001:db8:abcd::/48")]
    [InlineData("fe80::1%2", "fe80::/48")]
    [InlineData("::1", "::/48")]
    public void An_address_is_kept_only_as_its_network(string address, string expected) =>
        NetworkPrefixes.Truncate(address).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("203.0.113")]
    [InlineData("3405803853")]
    [InlineData("example.com:80")]
    public void What_is_not_an_address_gives_no_network(string? address) =>
        NetworkPrefixes.Truncate(address).ShouldBeNull();
}
