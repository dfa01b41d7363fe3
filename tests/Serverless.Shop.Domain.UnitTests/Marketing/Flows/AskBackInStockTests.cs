using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Privacy;
using ErasingVault = Serverless.Shop.Domain.UnitTests.Marketing.Audiences.IndexingVault;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

public sealed class AskBackInStockTests
{
    private static readonly Actor Guest = Actor.Anonymous;
    private readonly BackInStockTestBed _bed = new();

    private Task<BackInStockAccepted> AskAsync(string productId, string? sku, string? email, Actor? actor = null) =>
        _bed.Ask.AskAsync(productId, new BackInStockInput(sku, email), actor ?? Guest, default);

    [Fact]
    public async Task A_guest_request_is_stored_for_the_variant_with_the_address_its_key_and_an_expiry()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");

        var accepted = await AskAsync(product.Id, "LAMP-RED", "  Ada@Example.com ");

        accepted.ShouldBe(new BackInStockAccepted("requested", "LAMP-RED", BackInStockTestBed.Start + NotifyBackInStock.Retention));
        var stored = _bed.Requests.All.ShouldHaveSingleItem();
        (stored.Sku, stored.ProductId, stored.Email, stored.CustomerId).ShouldBe(("LAMP-RED", product.Id, "Ada@Example.com", (string?)null));
        stored.Key.ShouldBe(ErasingVault.Index("ada@example.com"));
        stored.DataOwnerId.ShouldStartWith("bis_");
    }

    [Fact]
    public async Task Asking_again_changes_nothing_and_answers_the_same()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var first = await AskAsync(product.Id, "LAMP-RED", "ada@example.com");
        var stored = _bed.Requests.All.Single();

        _bed.Clock.Now = BackInStockTestBed.Start.AddDays(10);
        var again = await AskAsync(product.Id, "LAMP-RED", "ADA@example.com");

        again.ShouldBe(first);
        _bed.Requests.All.ShouldHaveSingleItem().ShouldBe(stored);
    }

    [Fact]
    public async Task A_signed_in_customer_may_leave_out_the_address_and_their_profiles_is_used()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Profiles.Add("cust_1", "robin@example.com", emailConsent: false);

        await AskAsync(product.Id, "LAMP-RED", null, new Actor("cust_1", [ShopRoles.Customer]));

        var stored = _bed.Requests.All.ShouldHaveSingleItem();
        (stored.Email, stored.CustomerId).ShouldBe(("robin@example.com", "cust_1"));
    }

    [Fact]
    public async Task A_guests_address_that_a_customer_has_links_the_request_to_that_customer()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.Profiles.Add("cust_2", "sam@example.com", emailConsent: false);

        await AskAsync(product.Id, "LAMP-RED", "sam@example.com");

        _bed.Requests.All.ShouldHaveSingleItem().CustomerId.ShouldBe("cust_2");
    }

    [Fact]
    public async Task A_variant_in_stock_now_is_refused_with_a_clear_message()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        _bed.SetStock("LAMP-RED", 3);

        var refused = await Should.ThrowAsync<BusinessRuleViolationException>(() => AskAsync(product.Id, "LAMP-RED", "ada@example.com"));

        refused.Field.ShouldBe("sku");
        refused.Message.ShouldBe("LAMP-RED is in stock now (3 available): add it to the cart instead of asking to be told.");
        _bed.Requests.All.ShouldBeEmpty();
    }

    [Fact]
    public async Task No_such_product_or_one_shoppers_cannot_see_is_not_found()
    {
        var draft = _bed.Product("prod_draft", "DRAFT-1");
        _bed.Products.Add(draft with { Status = ProductStatus.Draft });
        var archived = _bed.Product("prod_archived", "OLD-1");
        _bed.Products.Add(archived with { Status = ProductStatus.Archived });

        await Should.ThrowAsync<ResourceNotFoundException>(() => AskAsync("prod_missing", "LAMP-RED", "ada@example.com"));
        await Should.ThrowAsync<ResourceNotFoundException>(() => AskAsync("not an id", "LAMP-RED", "ada@example.com"));
        await Should.ThrowAsync<ResourceNotFoundException>(() => AskAsync(draft.Id, "DRAFT-1", "ada@example.com"));
        await Should.ThrowAsync<ResourceNotFoundException>(() => AskAsync(archived.Id, "OLD-1", "ada@example.com"));
        _bed.Requests.All.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, "ada@example.com", "sku", "is required.")]
    [InlineData("LAMP-BLUE", "ada@example.com", "sku", "is not a variant of this product.")]
    [InlineData("LAMP-RED", "not an address", "email", "must be an email address such as name@example.com.")]
    [InlineData("LAMP-RED", "ada@localhost", "email", "must be an email address such as name@example.com.")]
    [InlineData("LAMP-RED", null, "email", "is required.")]
    public async Task Bad_input_names_the_field_and_stores_nothing(string? sku, string? email, string field, string message)
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");

        var refused = await Should.ThrowAsync<ValidationFailedException>(() => AskAsync(product.Id, sku, email));

        refused.Errors.ShouldContainKey(field);
        refused.Errors[field].ShouldContain(message);
        _bed.Requests.All.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_without_an_address_in_their_profile_must_give_one()
    {
        var product = _bed.Product("prod_lamp", "LAMP-RED");
        var customer = new Actor("cust_none", [ShopRoles.Customer]);

        var refused = await Should.ThrowAsync<ValidationFailedException>(() => AskAsync(product.Id, "LAMP-RED", null, customer));

        refused.Errors["email"].ShouldContain("is required: your profile has no email address.");
        _bed.Requests.All.ShouldBeEmpty();
    }
}
