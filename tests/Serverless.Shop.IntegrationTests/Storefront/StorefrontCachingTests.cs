using Serverless.Shop.Functions.Storefront;

namespace Serverless.Shop.IntegrationTests.Storefront;

/// <summary>How long caches may keep a page whose content changes at a known instant (a flash sale's start or end).</summary>
public sealed class StorefrontCachingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_page_that_changes_only_on_a_write_keeps_the_usual_lifetimes() =>
        StorefrontCaching.CacheControlUntil(null, Now).ShouldBe(StorefrontCaching.CacheControl);

    [Theory]
    [InlineData(30 * 60, "public, max-age=60, s-maxage=1800")]
    [InlineData(20.2, "public, max-age=21, s-maxage=21")]
    [InlineData(3 * 60 * 60, "public, max-age=60, s-maxage=3600")]
    [InlineData(-5, "public, max-age=0, s-maxage=0")]
    public void Both_lifetimes_end_when_the_page_changes(double secondsUntilChange, string expected) =>
        StorefrontCaching.CacheControlUntil(Now.AddSeconds(secondsUntilChange), Now).ShouldBe(expected);
}
