using Serverless.Shop.Domain.Carts;
using Serverless.Shop.Domain.Customers;
using Serverless.Shop.Domain.Marketing.Audiences;
using Serverless.Shop.Domain.Marketing.Flows;
using Serverless.Shop.Domain.Orders;
using Serverless.Shop.Domain.UnitTests.Carts;
using InMemoryCounters = Serverless.Shop.Domain.UnitTests.Marketing.Audiences.InMemoryCounters;
using Serverless.Shop.Domain.UnitTests.Orders;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Flows;

/// <summary>
/// The abandoned-cart flow: who gets a reminder and when, that it stops at purchase, that each reminder goes at most
/// once (a changed cart, two runs at once, a run that died after its mark), and that the link opens the cart.
/// </summary>
public sealed class RemindAbandonedCartsTests
{
    private const string CustomerId = "cust_ada";
    private const string CustomerEmail = "ada@example.com";
    private static readonly Uri CartPage = new("https://shop.example/cart");

    private readonly InMemoryIdleCarts _carts = new();
    private readonly OrderTestBed _orders = new();
    private ManualClock Clock => _orders.Clock;
    private readonly InMemoryProfiles _profiles = new();
    private readonly FakeAudience _audience = new();
    private readonly RecordingEmailSender _mail = new();
    private readonly FakeCartPricing _pricing = new();
    private readonly AbandonedCartSettings _settings = new(TimeSpan.FromHours(48), CartPage);
    private readonly InMemoryFlowSettingsStore _flows = new();
    private readonly InMemoryCounters _counters = new();

    public RemindAbandonedCartsTests()
    {
        _profiles.Put(new CustomerProfile { CustomerId = CustomerId, Name = "Ada", Email = CustomerEmail, Language = "en", CreatedAt = Clock.Now, UpdatedAt = Clock.Now });
        _audience.Consented.Add(CustomerEmail);
        _flows.Put(RemindAbandonedCarts.Definition.Defaults with { Enabled = true });
    }

    private RemindAbandonedCarts Flow => With(_mail);

    private RemindAbandonedCarts With(Serverless.Shop.Domain.Common.IEmailSender sender) =>
        new(_carts, _orders.Store, _profiles, _audience, new IndexingVault(), new FlowSettingsReader(_flows, [RemindAbandonedCarts.Definition]),
            FlowTestParts.Emails(sender, _counters), _pricing, _settings, FlowTestParts.Storefront, Clock);

    private void SetUp(Func<FlowSettings, FlowSettings> change) =>
        _flows.Put(change(_flows.FindAsync(RemindAbandonedCarts.FlowId, default).Result!.Value));

    [Fact]
    public async Task A_customer_cart_idle_past_the_first_delay_gets_one_reminder_with_the_cart_and_one_click_unsubscribe()
    {
        var cart = CustomerCart();
        Clock.Advance(TimeSpan.FromMinutes(59));
        (await Flow.RunAsync(default)).Sent.ShouldBe(0, "not yet an hour");

        Clock.Advance(TimeSpan.FromMinutes(2));
        var run = await Flow.RunAsync(default);

        run.Sent.ShouldBe(1);
        var email = _mail.Sent.ShouldHaveSingleItem();
        email.To.ShouldBe([CustomerEmail]);
        email.Subject.ShouldBe("You left something in your cart");
        email.TextBody.ShouldContain("Hello Ada,");
        email.TextBody.ShouldContain("2 x MUG-1");
        email.TextBody.ShouldContain("20.00 EUR");
        email.HtmlBody.ShouldNotBeNull().ShouldContain($"https://shop.example/cart?cart={cart.Id}&amp;utm_source=shop&amp;utm_medium=email&amp;utm_campaign=flow-abandoned-cart&amp;utm_content=reminder-1");
        email.Headers["List-Unsubscribe"].ShouldBe($"<https://shop.example/api/unsubscribe?recipient={Uri.EscapeDataString("idx:Email:" + CustomerEmail)}&campaign=flow-abandoned-cart>");
        email.Headers["List-Unsubscribe-Post"].ShouldBe("List-Unsubscribe=One-Click");
        email.CustomArgs[EmailCustomArgs.CampaignId].ShouldBe(RemindAbandonedCarts.FlowId);
        email.CustomArgs[EmailCustomArgs.RecipientKey].ShouldBe($"idx:Email:{CustomerEmail}");
        _carts.Current(cart.Id).RestoreTokenHash.ShouldBeNull("a customer's cart opens when they sign in, not with a token");
        _counters.Counts[(RemindAbandonedCarts.FlowId, EngagementKind.Sent)].ShouldBe(1, "the flow's results count what it sent");

        Clock.Advance(TimeSpan.FromMinutes(15));
        (await Flow.RunAsync(default)).Sent.ShouldBe(0, "the first reminder went already");
        _mail.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_second_reminder_comes_after_its_own_delay_and_then_nothing_more()
    {
        CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));
        await Flow.RunAsync(default);

        Clock.Advance(TimeSpan.FromHours(21));
        (await Flow.RunAsync(default)).Sent.ShouldBe(0, "23 hours idle: the second is due at 24");
        Clock.Advance(TimeSpan.FromHours(2));
        (await Flow.RunAsync(default)).Sent.ShouldBe(1);
        Clock.Advance(TimeSpan.FromHours(30));
        (await Flow.RunAsync(default)).Sent.ShouldBe(0);

        _mail.Sent.Select(m => m.Subject).ShouldBe(["You left something in your cart", "Your cart is still waiting for you"]);
        _mail.Sent[1].TextBody.ShouldContain("utm_content=reminder-2");
    }

    [Fact]
    public async Task With_the_second_reminder_off_one_reminder_is_all()
    {
        SetUp(flow => flow with { Steps = [flow.Steps[0]] });
        CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));
        await Flow.RunAsync(default);
        Clock.Advance(TimeSpan.FromHours(30));
        await Flow.RunAsync(default);

        _mail.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_change_to_the_cart_starts_a_new_spell_with_its_own_reminders()
    {
        var cart = CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));
        await Flow.RunAsync(default);

        _carts.Save(_carts.Current(cart.Id).Touch(Clock.Now, TimeSpan.FromDays(30)));
        Clock.Advance(TimeSpan.FromMinutes(30));
        (await Flow.RunAsync(default)).Sent.ShouldBe(0, "changed half an hour ago");
        Clock.Advance(TimeSpan.FromMinutes(40));
        (await Flow.RunAsync(default)).Sent.ShouldBe(1);

        _mail.Sent.Select(m => m.Subject).ShouldBe(["You left something in your cart", "You left something in your cart"]);
    }

    [Fact]
    public async Task A_cart_the_shopper_changes_while_the_run_looks_at_it_gets_no_reminder()
    {
        var cart = CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));
        _carts.BeforeNextMark = () => _carts.Save(_carts.Current(cart.Id).Touch(Clock.Now, TimeSpan.FromDays(30)));

        var run = await Flow.RunAsync(default);

        run.Sent.ShouldBe(0);
        run.Changed.ShouldBe(1);
        _mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_runs_at_once_send_the_reminder_once()
    {
        CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));

        var runs = await Task.WhenAll(Flow.RunAsync(default), Flow.RunAsync(default));

        runs.Sum(r => r.Sent).ShouldBe(1);
        _mail.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_run_that_dies_after_its_mark_never_sends_that_reminder_twice()
    {
        var cart = CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));
        var failing = With(new ThrowingEmailSender());

        await Should.ThrowAsync<IOException>(() => failing.RunAsync(default));
        _carts.RemindersOf(cart.Id).ShouldBe(1, "the mark came first");
        Clock.Advance(TimeSpan.FromMinutes(15));
        await Flow.RunAsync(default);

        _mail.Sent.ShouldBeEmpty("at most once: the lost first reminder is not sent again");
        Clock.Advance(TimeSpan.FromHours(23));
        await Flow.RunAsync(default);
        _mail.Sent.ShouldHaveSingleItem().Subject.ShouldBe("Your cart is still waiting for you");
    }

    [Fact]
    public async Task A_guest_whose_checkout_was_cancelled_unpaid_gets_a_link_whose_token_opens_the_cart()
    {
        var cart = GuestCart();
        await CheckoutFromAsync(cart, "guest@example.com", cancel: true);
        _audience.Consented.Add("guest@example.com");
        Clock.Advance(TimeSpan.FromHours(2));

        (await Flow.RunAsync(default)).Sent.ShouldBe(1);

        var email = _mail.Sent.ShouldHaveSingleItem();
        email.To.ShouldBe(["guest@example.com"]);
        email.TextBody.ShouldStartWith("Hello,");
        var link = new Uri(email.TextBody.Split('\n').Single(l => l.StartsWith("Open your cart: ", StringComparison.Ordinal))["Open your cart: ".Length..]);
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        query["cart"].ShouldBe(cart.Id);
        var token = query["token"].ShouldNotBeNull();
        var restored = _carts.Current(cart.Id);
        restored.OpensWith(token).ShouldBeTrue();
        restored.OpensWith(OwnToken).ShouldBeTrue("the shopper's own token still works");
        restored.OpensWith("not-the-token").ShouldBeFalse();
        new CartAccess(Serverless.Shop.Domain.Administration.Actor.Anonymous, token).CanChange(restored).ShouldBeTrue();
    }

    [Fact]
    public async Task A_guest_cart_without_a_checkout_has_no_known_email_and_is_left_alone_until_it_changes()
    {
        var cart = GuestCart();
        Clock.Advance(TimeSpan.FromHours(2));

        var run = await Flow.RunAsync(default);

        run.Sent.ShouldBe(0);
        run.Skipped.ShouldBe(new Dictionary<string, int> { [RemindAbandonedCarts.SkipReasons.NoEmail] = 1 });
        Clock.Advance(TimeSpan.FromHours(24));
        (await Flow.RunAsync(default)).Skipped.ShouldBeEmpty("the spell is closed: the cart is not looked at again");
        _carts.RemindersOf(cart.Id).ShouldBe(2);
    }

    [Fact]
    public async Task A_guest_whose_checkout_is_still_open_or_paid_gets_no_reminder()
    {
        var cart = GuestCart();
        await CheckoutFromAsync(cart, "guest@example.com", cancel: false);
        _audience.Consented.Add("guest@example.com");
        Clock.Advance(TimeSpan.FromHours(2));

        var run = await Flow.RunAsync(default);

        run.Skipped.ShouldBe(new Dictionary<string, int> { [RemindAbandonedCarts.SkipReasons.Ordered] = 1 });
        _mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_who_ordered_since_the_cart_last_changed_gets_no_reminder()
    {
        CustomerCart();
        Clock.Advance(TimeSpan.FromMinutes(10));
        await _orders.Orders.PlaceAsync(OrderTestBed.Placement(customerId: CustomerId), default);
        Clock.Advance(TimeSpan.FromHours(2));

        var run = await Flow.RunAsync(default);

        run.Skipped.ShouldBe(new Dictionary<string, int> { [RemindAbandonedCarts.SkipReasons.Ordered] = 1 });
        _mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Nobody_without_email_consent_gets_a_reminder()
    {
        _audience.Consented.Clear();
        CustomerCart();
        Clock.Advance(TimeSpan.FromHours(2));

        var run = await Flow.RunAsync(default);

        run.Skipped.ShouldBe(new Dictionary<string, int> { [RemindAbandonedCarts.SkipReasons.NoConsent] = 1 });
        _mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_cart_of_lines_no_longer_sold_gets_no_reminder()
    {
        CustomerCart();
        _pricing.Problems["MUG-1"] = "This product is no longer sold.";
        Clock.Advance(TimeSpan.FromHours(2));

        var run = await Flow.RunAsync(default);

        run.Skipped.ShouldBe(new Dictionary<string, int> { [RemindAbandonedCarts.SkipReasons.NothingToBuy] = 1 });
        _mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Carts_idle_longer_than_the_look_back_are_not_mailed_when_the_flow_is_switched_on()
    {
        CustomerCart();
        Clock.Advance(TimeSpan.FromHours(1 + 48 + 1));
        SetUp(flow => flow with { Steps = [flow.Steps[0]] });

        (await Flow.RunAsync(default)).Sent.ShouldBe(0);
    }

    [Fact]
    public async Task An_empty_cart_and_a_switched_off_flow_send_nothing()
    {
        var cart = CustomerCart();
        _carts.Save(_carts.Current(cart.Id).Clear());
        Clock.Advance(TimeSpan.FromHours(2));
        (await Flow.RunAsync(default)).Sent.ShouldBe(0, "nothing in the cart");

        _carts.Save(_carts.Current(cart.Id).AddLine("prod_mug", "MUG-1", 1, "line_2", Clock.Now).Touch(Clock.Now - TimeSpan.FromHours(2), TimeSpan.FromDays(30)));
        SetUp(flow => flow with { Enabled = false });
        (await Flow.RunAsync(default)).Sent.ShouldBe(0, "the flow is off");
        _mail.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_merchants_own_delays_apply_and_without_a_cart_page_setting_the_link_goes_to_the_storefronts_cart()
    {
        SetUp(flow => flow with { Steps = [new FlowStep(TimeSpan.FromMinutes(30), null)] });
        var cart = CustomerCart();
        Clock.Advance(TimeSpan.FromMinutes(31));
        var flow = new RemindAbandonedCarts(_carts, _orders.Store, _profiles, _audience, new IndexingVault(), new FlowSettingsReader(_flows, [RemindAbandonedCarts.Definition]),
            FlowTestParts.Emails(_mail, _counters), _pricing, AbandonedCartSettings.Default, FlowTestParts.Storefront, Clock);

        (await flow.RunAsync(default)).Sent.ShouldBe(1, "half an hour, as the merchant set it");
        _mail.Sent.ShouldHaveSingleItem().TextBody.ShouldContain($"https://shop.example/cart?cart={cart.Id}&utm_source=shop");
        Clock.Advance(TimeSpan.FromDays(1));
        (await flow.RunAsync(default)).Sent.ShouldBe(0, "one step: one reminder");
    }

    private const string OwnToken = "the-shoppers-own-cart-token";

    private Cart CustomerCart() => SaveCart(CustomerId, null);

    private Cart GuestCart() => SaveCart(null, CartRules.HashToken(OwnToken));

    private Cart SaveCart(string? customerId, string? tokenHash)
    {
        var cart = Cart.New($"cart_{Guid.NewGuid():N}", customerId, tokenHash, null, "EUR", Clock.Now, TimeSpan.FromDays(30))
            .AddLine("prod_mug", "MUG-1", 2, "line_1", Clock.Now);
        _carts.Save(cart);
        return cart;
    }

    private async Task CheckoutFromAsync(Cart cart, string email, bool cancel)
    {
        var placed = await _orders.Orders.PlaceAsync(OrderTestBed.Placement(customerId: null) with { Email = email, CheckoutInputs = new CheckoutResumeInputs(null, null, cart.Id) }, default);
        if (cancel) await _orders.Orders.CancelAsync(placed.Number, "Payment not completed", OrderTestBed.Support, default);
    }

    private sealed class ThrowingEmailSender : Serverless.Shop.Domain.Common.IEmailSender
    {
        public Task SendAsync(Serverless.Shop.Domain.Common.EmailMessage message, CancellationToken ct) => throw new IOException("the process died here");
    }
}
