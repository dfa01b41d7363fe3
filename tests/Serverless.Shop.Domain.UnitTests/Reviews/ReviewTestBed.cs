using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.Reviews;
using Serverless.Shop.Domain.UnitTests.Catalog;
using Serverless.Shop.Domain.UnitTests.Common;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Reviews;

/// <summary>The review use cases over in-memory stores, with the mug of <see cref="CatalogExamples"/> and orders of <see cref="OrderTestBed"/>.</summary>
internal sealed class ReviewTestBed
{
    public const string ProductId = "prod_mug";
    public static readonly Actor Staff = new("staff_mia", [ShopRoles.Merchandiser]);

    public ReviewTestBed(bool autoApproveClean = false)
    {
        Products.Add(CatalogExamples.ExistingMug(ProductId));
        Settings = new ReviewSettings(autoApproveClean, 90, new Uri("https://shop.test/api/review-invitations"));
        Tokens = new ReviewInvitationTokens(FixedInvitationKey.Default, Orders.Clock);
        Ratings = new ProductRatings(Products, Reviews);
    }

    public InMemoryProductStore Products { get; } = new();
    public InMemoryReviewStore Reviews { get; } = new();
    public OrderTestBed Orders { get; } = new();
    public ReviewSettings Settings { get; }
    public ReviewInvitationTokens Tokens { get; }
    public ProductRatings Ratings { get; }

    public WriteReviews Write => new(Reviews, Orders.Store, Products, Ratings, Tokens, Settings, Orders.Clock);
    public ModerateReviews Moderate => new(Reviews, Ratings, Orders.Clock);
    public ReadReviews Read => new(Reviews);

    public static Actor Customer(string id) => new(id, [ShopRoles.Customer]);

    public static ReviewInput Good(int rating = 5, string name = "Ada L.") =>
        new(rating, "Lovely mug", "Keeps my tea warm and the glaze is beautiful.", name);

    /// <summary>An order of the mug (and a T-shirt) for <paramref name="customerId"/> (null: a guest), delivered unless said otherwise.</summary>
    public async Task<Order> OrderAsync(string? customerId, bool delivered = true)
    {
        var order = await Orders.Orders.PlaceAsync(OrderTestBed.Placement(customerId: customerId), CancellationToken.None);
        if (!delivered) return order;
        var done = order with { Status = OrderStatus.Delivered, DeliveredAt = FixedClock.Instant.AddDays(-1) };
        Orders.Store.Overwrite(done);
        return done;
    }

    public Domain.Catalog.Product Mug => Products.Current(ProductId)!.Value;
}
