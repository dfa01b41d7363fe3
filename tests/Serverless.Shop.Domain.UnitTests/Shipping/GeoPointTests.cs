using Serverless.Shop.Domain.Shipping;

namespace Serverless.Shop.Domain.UnitTests.Shipping;

public sealed class GeoPointTests
{
    private static readonly GeoPoint Amsterdam = new(52.3676, 4.9041);
    private static readonly GeoPoint Berlin = new(52.5200, 13.4050);
    private static readonly GeoPoint Sydney = new(-33.8688, 151.2093);

    [Fact]
    public void Distances_match_published_great_circle_distances_within_a_kilometre_or_two()
    {
        Amsterdam.DistanceKmTo(Berlin).ShouldBe(577, tolerance: 2);
        Amsterdam.DistanceKmTo(Sydney).ShouldBe(16_640, tolerance: 30);
    }

    [Fact]
    public void Distance_is_symmetric_and_zero_to_itself()
    {
        Berlin.DistanceKmTo(Amsterdam).ShouldBe(Amsterdam.DistanceKmTo(Berlin), tolerance: 1e-9);
        Berlin.DistanceKmTo(Berlin).ShouldBe(0, tolerance: 1e-9);
    }

    [Theory]
    [InlineData(91, 0)]
    [InlineData(-91, 0)]
    [InlineData(0, 181)]
    [InlineData(double.NaN, 0)]
    public void Coordinates_off_the_globe_are_not_valid(double latitude, double longitude) =>
        new GeoPoint(latitude, longitude).IsOnTheGlobe().ShouldBeFalse();

    [Fact]
    public void Coordinates_on_the_globe_are_valid() => Sydney.IsOnTheGlobe().ShouldBeTrue();
}
