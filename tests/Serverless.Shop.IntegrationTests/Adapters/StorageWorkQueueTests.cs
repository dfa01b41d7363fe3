using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>The queues as the app registers them (AddShopMediaAndMessaging), against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageWorkQueueTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServiceProvider app = new ServiceCollection()
        .AddLogging()
        .AddShopMediaAndMessaging(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Media:ConnectionString"] = azurite.ConnectionString,
            ["Media:PublicBaseUrl"] = $"{azurite.BlobEndpoint}/product-images",
            ["Email:Provider"] = "LocalMailbox",
            ["Email:From"] = "shop@example.com",
        }).Build())
        .BuildServiceProvider();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task Enqueues_the_message_as_base64_json_creating_the_queue_on_first_use()
    {
        var queueName = $"work-{Guid.NewGuid():N}";
        var queue = app.GetRequiredService<IWorkQueue>();

        await queue.EnqueueAsync(queueName, new ProcessImageMessage("prod_1", "img_2"), CancellationToken.None);

        var raw = (await RawQueue(queueName).ReceiveMessageAsync()).Value;
        raw.ShouldNotBeNull();
        var text = raw.Body.ToString();
        text.ShouldNotStartWith("{"); // what the Functions host's queue trigger expects by default: base64
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(text));
        json.ShouldBe("""{"productId":"prod_1","imageId":"img_2"}""");
    }

    [Fact]
    public async Task Round_trips_messages_through_a_base64_reader_like_the_queue_trigger()
    {
        var queueName = $"work-{Guid.NewGuid():N}";
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = app.GetRequiredService<IWorkQueue>();

        await queue.EnqueueAsync(queueName, new ProcessImageMessage("prod_9", "img_8"), CancellationToken.None);
        await queue.EnqueueAsync(queueName, new ProcessImageMessage("prod_9", "img_7"), CancellationToken.None);

        var received = (await new QueueClient(azurite.ConnectionString, queueName, options).ReceiveMessagesAsync(maxMessages: 2)).Value;
        received.Select(m => m.Body.ToObjectFromJson<ProcessImageMessage>(ShopJson.Options)!.ImageId).ShouldBe(["img_8", "img_7"], ignoreOrder: true);
    }

    [Fact]
    public async Task Publishes_local_integration_events_as_plain_json_a_person_can_read()
    {
        var events = app.GetRequiredService<IIntegrationEvents>();
        events.ShouldBeOfType<LocalQueueIntegrationEvents>();
        var published = new IntegrationEvent("catalog.product-published", "products/prod_1", new { sku = "MUG-1", price = 12.5m },
            new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero), Ids.New("evt"));

        await events.PublishAsync(published, CancellationToken.None);

        var messages = (await RawQueue(LocalQueueIntegrationEvents.QueueName).PeekMessagesAsync(maxMessages: 32)).Value;
        var text = messages.Select(m => m.Body.ToString()).Single(t => t.Contains(published.Id));
        using var json = JsonDocument.Parse(text);
        json.RootElement.GetProperty("type").GetString().ShouldBe("catalog.product-published");
        json.RootElement.GetProperty("subject").GetString().ShouldBe("products/prod_1");
        json.RootElement.GetProperty("id").GetString().ShouldBe(published.Id);
        json.RootElement.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(published.OccurredAt);
        json.RootElement.GetProperty("data").GetProperty("sku").GetString().ShouldBe("MUG-1");
    }

    // Sees the bytes as stored, with no decoding.
    private QueueClient RawQueue(string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
}
