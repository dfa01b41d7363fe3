using Serverless.Shop.Domain.Marketing.Audiences;

namespace Serverless.Shop.Domain.UnitTests.Marketing.Audiences;

public sealed class MarketingAudienceTests
{
    private readonly AudienceTestBed _bed = new();

    private async Task<List<MarketingRecipient>> ListAsync(AudienceSpec spec, string? afterKey = null)
    {
        var all = new List<MarketingRecipient>();
        await foreach (var r in _bed.Audience.ListAsync(spec, afterKey, default)) all.Add(r);
        return all;
    }

    private void Customer(string id, string email, bool consent, params string[] segments)
    {
        _bed.Profiles.Add(id, email, consent);
        _bed.Segments[id] = segments;
    }

    [Fact]
    public async Task Customers_in_a_segment_with_email_consent_are_in_the_audience_and_no_one_else()
    {
        Customer("in", "in@example.com", true, "vip");
        Customer("unconsented", "no@example.com", false, "vip");
        Customer("other-segment", "other@example.com", true, "lapsed");
        Customer("no-segment", "none@example.com", true);

        var recipients = await ListAsync(new AudienceSpec(["vip"], NewsletterSubscribers: false));

        recipients.ShouldBe([new MarketingRecipient(IndexingVault.Index("in@example.com"), "in@example.com", "in", null, "Robin")]);
    }

    [Fact]
    public async Task Any_of_several_segments_qualifies()
    {
        Customer("a", "a@example.com", true, "vip");
        Customer("b", "b@example.com", true, "lapsed");
        Customer("c", "c@example.com", true, "new");
        (await ListAsync(new AudienceSpec(["vip", "lapsed"], false))).Select(r => r.CustomerId).Order().ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task Listing_after_a_key_gives_exactly_the_customers_and_subscribers_after_it_in_key_order()
    {
        foreach (var i in Enumerable.Range(0, 6)) Customer($"c{i}", $"customer{i}@example.com", true, "vip");
        foreach (var i in Enumerable.Range(0, 6)) _bed.Confirmed($"subscriber{i}@example.com");
        var everyone = await ListAsync(new AudienceSpec(["vip"], NewsletterSubscribers: true));
        everyone.Count.ShouldBe(12);

        foreach (var cut in new[] { 0, 5, 11 })
        {
            var rest = await ListAsync(new AudienceSpec(["vip"], NewsletterSubscribers: true), afterKey: everyone[cut].Key);
            rest.ShouldBe(everyone.Skip(cut + 1), $"after the key of recipient {cut}");
        }
        // A key that is nobody's: those whose keys sort after it.
        var between = everyone[3].Key + "\0";
        (await ListAsync(new AudienceSpec(["vip"], NewsletterSubscribers: true), afterKey: between)).ShouldBe(everyone.Skip(4));
    }

    [Fact]
    public async Task Only_confirmed_subscribers_are_in_it_and_only_when_asked()
    {
        _bed.Confirmed("confirmed@example.com");
        _bed.Put("pending@example.com", SubscriberStatus.Pending);
        _bed.Put("left@example.com", SubscriberStatus.Unsubscribed);

        (await ListAsync(new AudienceSpec([], NewsletterSubscribers: true))).Select(r => r.Email).ShouldBe(["confirmed@example.com"]);
        (await ListAsync(new AudienceSpec([], NewsletterSubscribers: false))).ShouldBeEmpty();
    }

    [Fact]
    public async Task No_segments_means_no_customers_even_consented_ones()
    {
        Customer("a", "a@example.com", true, "vip");
        (await ListAsync(new AudienceSpec([], NewsletterSubscribers: true))).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_suppressed_address_is_never_in_it_as_a_customer_or_a_subscriber()
    {
        Customer("a", "a@example.com", true, "vip");
        _bed.Confirmed("b@example.com");
        await _bed.Suppressions.AddAsync(IndexingVault.Index("a@example.com"), null, null, new SuppressionRecord(SuppressionReason.Bounce, _bed.Clock.Now, "cmp"), default);
        await _bed.Suppressions.AddAsync(IndexingVault.Index("B@example.com"), null, null, new SuppressionRecord(SuppressionReason.SpamReport, _bed.Clock.Now, "cmp"), default);

        (await ListAsync(new AudienceSpec(["vip"], true))).ShouldBeEmpty();
        (await _bed.Audience.MaySendAsync("a@example.com", default)).ShouldBeFalse();
        (await _bed.Audience.MaySendAsync("b@example.com", default)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_customer_who_also_subscribed_is_one_recipient_as_the_customer()
    {
        Customer("a", "robin@example.com", true, "vip");
        _bed.Confirmed("Robin@Example.com");

        var recipient = (await ListAsync(new AudienceSpec(["vip"], true))).ShouldHaveSingleItem();
        recipient.CustomerId.ShouldBe("a");
        recipient.Key.ShouldBe(IndexingVault.Index("robin@example.com"));
    }

    [Fact]
    public async Task A_subscriber_who_is_an_unconsented_customer_still_gets_the_newsletter_they_confirmed()
    {
        Customer("a", "robin@example.com", false, "vip");
        _bed.Confirmed("robin@example.com", "a");
        var recipient = (await ListAsync(new AudienceSpec(["vip"], true))).ShouldHaveSingleItem();
        recipient.Email.ShouldBe("robin@example.com");
        (await ListAsync(new AudienceSpec(["vip"], false))).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_large_audience_comes_out_once_each_in_key_order_across_pages()
    {
        for (var i = 0; i < 250; i++) Customer($"c{i}", $"customer{i}@example.com", true, "vip");
        for (var i = 0; i < 180; i++) _bed.Confirmed($"subscriber{i}@example.com");
        for (var i = 0; i < 40; i++) _bed.Confirmed($"customer{i}@example.com", $"c{i}");

        var recipients = await ListAsync(new AudienceSpec(["vip"], true));

        recipients.Count.ShouldBe(430);
        recipients.Select(r => r.Key).ShouldBe(recipients.Select(r => r.Key).Order(StringComparer.Ordinal));
        recipients.Select(r => r.Key).Distinct().Count().ShouldBe(430);
        // One suppression lookup per page of 100, not per recipient.
        _bed.Suppressions.LookupCalls.ShouldBe(5);
    }

    [Fact]
    public async Task Consent_withdrawn_after_the_page_was_read_keeps_the_customer_out()
    {
        // The page (read earlier) still says consented; the profile, read for the address, says no: the profile decides.
        _bed.Profiles.Add("a", "a@example.com", emailConsent: false);
        var stalePage = new FixedCustomers([new AudienceCustomer(IndexingVault.Index("a@example.com"), "a", EmailConsent: true, ["vip"])]);
        var audience = new MarketingAudience(stalePage, _bed.Subscribers, _bed.Suppressions, _bed.Profiles, _bed.Vault);

        var recipients = new List<MarketingRecipient>();
        await foreach (var r in audience.ListAsync(new AudienceSpec(["vip"], false), null, default)) recipients.Add(r);

        recipients.ShouldBeEmpty();
        _bed.Profiles.Reads.ShouldBe(1);
    }

    private sealed class FixedCustomers(IReadOnlyList<AudienceCustomer> page) : IAudienceCustomers
    {
        public async IAsyncEnumerable<IReadOnlyList<AudienceCustomer>> PagesAsync(int pageSize, string? afterKey, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            yield return page;
        }
    }

    [Fact]
    public async Task May_send_to_a_consented_customer_or_confirmed_subscriber_only()
    {
        Customer("a", "a@example.com", true);
        Customer("b", "b@example.com", false);
        _bed.Confirmed("c@example.com");
        _bed.Put("d@example.com", SubscriberStatus.Pending);

        (await _bed.Audience.MaySendAsync("a@example.com", default)).ShouldBeTrue();
        (await _bed.Audience.MaySendAsync("b@example.com", default)).ShouldBeFalse();
        (await _bed.Audience.MaySendAsync("c@example.com", default)).ShouldBeTrue();
        (await _bed.Audience.MaySendAsync("d@example.com", default)).ShouldBeFalse();
        (await _bed.Audience.MaySendAsync("nobody@example.com", default)).ShouldBeFalse();
        (await _bed.Audience.MaySendAsync("", default)).ShouldBeFalse();
    }
}
