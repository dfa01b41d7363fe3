using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Catalog;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.IntegrationTests.Adapters;

public sealed class MediaAndMessagingRegistrationTests
{
    private const string Azurite = "UseDevelopmentStorage=true";

    private static readonly Dictionary<string, string?> Local = new()
    {
        ["Media:ConnectionString"] = Azurite,
        ["Media:PublicBaseUrl"] = "http://127.0.0.1:10000/devstoreaccount1/product-images",
        ["AzureWebJobsStorage"] = Azurite,
        ["ServiceBus:TopicName"] = "shop-events",
        ["Email:Provider"] = "LocalMailbox",
        ["Email:From"] = "Serverless Shop <shop@example.com>",
        ["LocalStack:RepositoryRoot"] = "/repo",
    };

    private static readonly Dictionary<string, string?> Azure = new()
    {
        ["Media:BlobServiceUri"] = "https://media.blob.core.windows.net",
        ["Media:PublicBaseUrl"] = "https://shop.azureedge.net/product-images",
        ["AzureWebJobsStorage:accountName"] = "hoststorage",
        ["AzureWebJobsStorage:credential"] = "managedidentity",
        ["ServiceBus:FullyQualifiedNamespace"] = "shop.servicebus.windows.net",
        ["ServiceBus:TopicName"] = "shop-events",
        ["Email:Provider"] = "SendGrid",
        ["Email:SendGridApiKey"] = "SG.secret-value",
        ["Email:From"] = "shop@example.com",
        ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
    };

    [Fact]
    public void Chooses_the_local_stand_ins_when_run_locally()
    {
        using var services = Build(Local);

        services.GetRequiredService<IProductImageStorage>().ShouldBeOfType<BlobProductImageStorage>();
        services.GetRequiredService<IImageProcessor>().ShouldBeOfType<ImageSharpImageProcessor>();
        services.GetRequiredService<IWorkQueue>().ShouldBeOfType<StorageWorkQueue>();
        services.GetRequiredService<IIntegrationEvents>().ShouldBeOfType<LocalQueueIntegrationEvents>();
        services.GetRequiredService<IEmailSender>().ShouldBeOfType<LocalMailboxEmailSender>()
            .Folder.ShouldBe(Path.GetFullPath("/repo/.local/mailbox"));
    }

    [Fact]
    public async Task Chooses_service_bus_and_sendgrid_in_azure()
    {
        await using var services = Build(Azure);

        services.GetRequiredService<IIntegrationEvents>().ShouldBeOfType<ServiceBusIntegrationEvents>();
        services.GetRequiredService<IEmailSender>().ShouldBeOfType<SendGridEmailSender>();
        services.GetRequiredService<IWorkQueue>().ShouldBeOfType<StorageWorkQueue>();
        services.GetRequiredService<IProductImageStorage>().ShouldBeOfType<BlobProductImageStorage>();
    }

    [Fact]
    public void Stops_at_startup_naming_every_missing_setting()
    {
        var error = Should.Throw<InvalidOperationException>(() => Build([]));

        error.Message.ShouldContain("Media:ConnectionString");
        error.Message.ShouldContain("Media:PublicBaseUrl");
        error.Message.ShouldContain("AzureWebJobsStorage");
        error.Message.ShouldContain("Email:Provider");
        error.Message.ShouldContain("Email:From");
    }

    [Fact]
    public void Requires_the_sendgrid_key_and_the_topic_name_when_they_are_used()
    {
        var settings = new Dictionary<string, string?>(Azure) { ["Email:SendGridApiKey"] = null, ["ServiceBus:TopicName"] = null };

        var error = Should.Throw<InvalidOperationException>(() => Build(settings));

        error.Message.ShouldContain("Email:SendGridApiKey");
        error.Message.ShouldContain("ServiceBus:TopicName");
        error.Message.ShouldNotContain("Media:");
    }

    [Fact]
    public void Never_repeats_the_sendgrid_key_in_a_configuration_error()
    {
        var settings = new Dictionary<string, string?>(Azure) { ["Email:From"] = "not an address" };

        var error = Should.Throw<InvalidOperationException>(() => Build(settings));

        error.Message.ShouldContain("Email:From");
        error.Message.ShouldNotContain("SG.secret-value");
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddShopMediaAndMessaging(configuration).BuildServiceProvider();
    }
}
