using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>
/// The project's patch of Azurite (infra/local-stack/patches/azurite+3.37.0.patch, docs/local-development.md) changes how
/// it finds what it stores, for speed. These tests check through the Azure SDKs that it still finds the same things:
/// a query limited to one partition by a conjunction is narrowed, any other filter is not, queues keep their messages
/// apart, and blobs (extents) deleted and written again read back whole.
/// </summary>
public sealed class AzuritePatchTests(AzuriteStackFixture stack) : IClassFixture<AzuriteStackFixture>
{
    [Theory]
    [InlineData("PartitionKey eq 'a'", "a0 a1 a2")]
    [InlineData("(PartitionKey eq 'a') and (RowKey ge '1')", "a1 a2")]
    [InlineData("RowKey lt '2' and PartitionKey eq 'b'", "b0 b1")]
    [InlineData("PartitionKey eq 'a' and RowKey eq '1' or PartitionKey eq 'b' and RowKey eq '2'", "a1 b2")]
    [InlineData("PartitionKey eq 'a' or RowKey eq '0'", "a0 a1 a2 b0 c'0")]
    [InlineData("not (PartitionKey eq 'a')", "b0 b1 b2 c'0")]
    [InlineData("PartitionKey ne 'a' and PartitionKey ne 'b'", "c'0")]
    [InlineData("PartitionKey eq 'c''' and Colour eq 'red'", "c'0")]
    [InlineData("PartitionKey eq 'a' and Colour eq 'blue'", "a1")]
    [InlineData("PartitionKey eq 'z'", "")]
    public async Task Table_queries_find_the_same_entities_whether_or_not_they_name_one_partition(string filter, string expected)
    {
        var table = await TableWithEntitiesAsync();

        var found = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter)) found.Add(entity.PartitionKey + entity.RowKey);

        string.Join(' ', found.Order(StringComparer.Ordinal)).ShouldBe(expected);
    }

    [Fact]
    public async Task A_point_read_finds_the_entity_of_its_partition_among_rows_with_the_same_key()
    {
        var table = await TableWithEntitiesAsync();

        (await table.GetEntityAsync<TableEntity>("b", "1")).Value.GetString("Colour").ShouldBe("blue");
        (await table.GetEntityIfExistsAsync<TableEntity>("c'", "1")).HasValue.ShouldBeFalse();
    }

    [Fact]
    public async Task Each_queue_gives_only_its_own_messages_and_deleted_ones_stay_gone()
    {
        var service = new QueueServiceClient(stack.Stack.StorageConnectionString);
        var first = service.GetQueueClient("patch-" + Guid.NewGuid().ToString("N")[..12]);
        var second = service.GetQueueClient("patch-" + Guid.NewGuid().ToString("N")[..12]);
        await first.CreateAsync();
        await second.CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await first.SendMessageAsync($"first {i}");
            await second.SendMessageAsync($"second {i}");
        }

        var received = (await first.ReceiveMessagesAsync(maxMessages: 32)).Value;
        received.Select(m => m.MessageText).Order(StringComparer.Ordinal).ShouldBe(["first 0", "first 1", "first 2", "first 3", "first 4"]);
        (await first.ReceiveMessagesAsync(maxMessages: 32)).Value.ShouldBeEmpty(); // invisible once received
        foreach (var message in received.Take(3)) await first.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        await first.UpdateMessageAsync(received[3].MessageId, received[3].PopReceipt, visibilityTimeout: TimeSpan.Zero);

        (await first.ReceiveMessagesAsync(maxMessages: 32)).Value.Select(m => m.MessageText).ShouldBe([received[3].MessageText]);
        (await second.PeekMessagesAsync(maxMessages: 32)).Value.Length.ShouldBe(5);
        (await second.GetPropertiesAsync()).Value.ApproximateMessagesCount.ShouldBe(5);
    }

    [Fact]
    public async Task A_blob_written_again_after_deletion_reads_back_whole()
    {
        var container = new BlobServiceClient(stack.Stack.StorageConnectionString).GetBlobContainerClient("patch-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        var blob = container.GetBlobClient("file.bin");
        for (var round = 0; round < 3; round++)
        {
            var content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * (round + 7))).ToArray();
            await blob.UploadAsync(new BinaryData(content), overwrite: true);
            (await blob.DownloadContentAsync()).Value.Content.ToArray().ShouldBe(content);
            await blob.DeleteAsync();
            (await blob.ExistsAsync()).Value.ShouldBeFalse();
        }
    }

    private async Task<TableClient> TableWithEntitiesAsync()
    {
        var table = new TableServiceClient(stack.Stack.StorageConnectionString).GetTableClient("patch" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        foreach (var (partition, row, colour) in new[]
                 {
                     ("a", "0", "red"), ("a", "1", "blue"), ("a", "2", "red"),
                     ("b", "0", "red"), ("b", "1", "blue"), ("b", "2", "green"),
                     ("c'", "0", "red"),
                 })
            await table.AddEntityAsync(new TableEntity(partition, row) { ["Colour"] = colour });
        return table;
    }
}
