using System.Text.Json;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>The message put on the topic. (No Service Bus emulator runs here: what is checked is what would be sent.)</summary>
public sealed class ServiceBusIntegrationEventsTests
{
    private static readonly IntegrationEvent Published = new("inventory.stock-low", "inventory/MUG-1", new { sku = "MUG-1", available = 2 },
        new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero), "evt_0192");

    [Fact]
    public void Uses_the_event_id_as_message_id_so_the_topic_drops_a_duplicate_publish()
    {
        ServiceBusIntegrationEvents.ToMessage(Published).MessageId.ShouldBe("evt_0192");
    }

    [Fact]
    public void Every_publish_of_one_event_carries_the_same_message_id_and_other_events_another()
    {
        // A redelivered queue message builds the event again from the same order entry: same id, same MessageId.
        var again = Published with { Data = new { sku = "MUG-1", available = 2 } };
        var other = Published with { Id = "evt_0193" };

        ServiceBusIntegrationEvents.ToMessage(again).MessageId.ShouldBe(ServiceBusIntegrationEvents.ToMessage(Published).MessageId);
        ServiceBusIntegrationEvents.ToMessage(other).MessageId.ShouldBe("evt_0193");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_event_without_an_id_is_refused_rather_than_given_a_random_message_id(string id)
    {
        Should.Throw<ArgumentException>(() => ServiceBusIntegrationEvents.ToMessage(Published with { Id = id }));
    }

    [Fact]
    public void Labels_the_message_with_the_event_type_for_subscription_filters()
    {
        var message = ServiceBusIntegrationEvents.ToMessage(Published);

        message.Subject.ShouldBe("inventory.stock-low");
        message.ApplicationProperties[ServiceBusIntegrationEvents.EventTypeProperty].ShouldBe("inventory.stock-low");
        message.ApplicationProperties[ServiceBusIntegrationEvents.EventSubjectProperty].ShouldBe("inventory/MUG-1");
        message.ContentType.ShouldBe("application/json");
    }

    [Fact]
    public void Carries_the_event_envelope_as_shop_json()
    {
        using var body = JsonDocument.Parse(ServiceBusIntegrationEvents.ToMessage(Published).Body.ToString());

        body.RootElement.GetProperty("type").GetString().ShouldBe("inventory.stock-low");
        body.RootElement.GetProperty("subject").GetString().ShouldBe("inventory/MUG-1");
        body.RootElement.GetProperty("id").GetString().ShouldBe("evt_0192");
        body.RootElement.GetProperty("data").GetProperty("available").GetInt32().ShouldBe(2);
    }
}
