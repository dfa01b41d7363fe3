using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Flows;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>
/// The abandoned-cart flow's queries and marks on the emulator: only carts with lines in a reminder's window are listed,
/// a mark lands only on the version read, and a shopper's next save starts a new spell.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class CosmosIdleCartsTests(LocalShopFixture fixture)
{
    private readonly ICartStore _store = fixture.Shop.Services.GetRequiredService<ICartStore>();
    private readonly ShopContainers _containers = fixture.Shop.Services.GetRequiredService<ShopContainers>();
    private IIdleCarts Idle => new CosmosIdleCarts(_containers);

    // A moment no other test's carts share, so the windows below see only this test's carts.
    private readonly DateTimeOffset _changed = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 500_000));

    private IdleCartQuery Windows => new([(_changed.AddMinutes(-1), _changed.AddMinutes(1)), (_changed.AddMinutes(-1), _changed.AddMinutes(1))]);

    private async Task<Cart> SaveAsync(int lines)
    {
        var cart = Cart.New($"cart_{Guid.NewGuid():N}", null, CartRules.HashToken("own"), null, "EUR", _changed, TimeSpan.FromDays(30));
        for (var i = 0; i < lines; i++) cart = cart.AddLine("prod_" + i, "SKU-" + i, 1, "line_" + i, _changed);
        await _store.CreateAsync(cart, CancellationToken.None);
        return cart;
    }

    private async Task<List<IdleCart>> DueAsync(params string[] ids)
    {
        var due = new List<IdleCart>();
        await foreach (var cart in Idle.ListDueAsync(Windows, CancellationToken.None))
        {
            if (ids.Contains(cart.Cart.Id)) due.Add(cart);
        }
        return due;
    }

    [Fact]
    public async Task Lists_carts_with_lines_changed_in_the_window_and_not_empty_ones()
    {
        var full = await SaveAsync(2);
        var empty = await SaveAsync(0);

        var due = await DueAsync(full.Id, empty.Id);

        due.ShouldHaveSingleItem().Cart.Id.ShouldBe(full.Id);
        due[0].RemindersSent.ShouldBe(0);
        due[0].Cart.Lines.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_mark_on_the_version_read_lands_once_installs_the_restore_token_and_moves_the_cart_to_the_next_reminder()
    {
        var cart = await SaveAsync(1);
        var read = (await DueAsync(cart.Id)).ShouldHaveSingleItem();
        var now = _changed.AddHours(2);

        (await Idle.TryMarkAsync(read, 1, CartRules.HashToken("restore"), now, CancellationToken.None)).ShouldBeTrue();
        (await Idle.TryMarkAsync(read, 1, null, now, CancellationToken.None)).ShouldBeFalse("the first mark changed the version");

        var after = (await DueAsync(cart.Id)).ShouldHaveSingleItem();
        after.RemindersSent.ShouldBe(1);
        var stored = (await _store.FindAsync(cart.Id, CancellationToken.None)).ShouldNotBeNull().Value;
        stored.OpensWith("restore").ShouldBeTrue();
        stored.OpensWith("own").ShouldBeTrue();

        // The patch sets the TTL to what is left of the inactivity window, not a new full window.
        var raw = await _containers.Carts.ReadItemAsync<JsonElement>(cart.Id, new PartitionKey(cart.Id));
        raw.Resource.GetProperty("ttl").GetInt32().ShouldBe((int)(cart.ExpiresAt - now).TotalSeconds);
    }

    [Fact]
    public async Task A_cart_at_its_last_reminder_is_no_longer_listed_and_a_shoppers_save_starts_a_new_spell()
    {
        var cart = await SaveAsync(1);
        var read = (await DueAsync(cart.Id)).ShouldHaveSingleItem();
        (await Idle.TryMarkAsync(read, 2, null, _changed.AddHours(30), CancellationToken.None)).ShouldBeTrue();
        (await DueAsync(cart.Id)).ShouldBeEmpty();

        var current = (await _store.FindAsync(cart.Id, CancellationToken.None)).ShouldNotBeNull();
        await _store.ReplaceAsync(current.Value.AddLine("prod_x", "SKU-X", 1, "line_x", _changed), current.Version, CancellationToken.None);

        (await DueAsync(cart.Id)).ShouldHaveSingleItem().RemindersSent.ShouldBe(0);
    }

    [Fact]
    public async Task A_mark_on_a_cart_the_shopper_changed_or_that_is_gone_does_not_land()
    {
        var changed = await SaveAsync(1);
        var gone = await SaveAsync(1);
        var reads = await DueAsync(changed.Id, gone.Id);
        var current = (await _store.FindAsync(changed.Id, CancellationToken.None)).ShouldNotBeNull();
        await _store.ReplaceAsync(current.Value.Clear(), current.Version, CancellationToken.None);
        await _store.DeleteAsync(gone.Id, CancellationToken.None);

        foreach (var read in reads) (await Idle.TryMarkAsync(read, 1, null, _changed.AddHours(2), CancellationToken.None)).ShouldBeFalse();
    }
}
