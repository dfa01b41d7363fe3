using System.Net.Mail;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SendGrid.Helpers.Mail;
using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Catalog;

namespace Serverless.Shop.Infrastructure.Common;

public static class MediaAndMessagingRegistration
{
    /// <summary>
    /// Product image storage and processing, work queues, integration events and email, each chosen by configuration
    /// (docs/configuration.md). Reads and checks the settings now, so a missing one stops the app at startup with its
    /// name rather than failing the first request that needs it.
    /// </summary>
    public static IServiceCollection AddShopMediaAndMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = MediaAndMessagingSettings.Read(configuration);

        services.TryAddSingleton(TimeProvider.System);
        // The same registration (and so the same instance) as the rest of the infrastructure: whichever comes first wins.
        services.TryAddSingleton<TokenCredential>(_ => CreateCredential(settings.AzureClientId));

        services.AddSingleton<IImageProcessor, ImageSharpImageProcessor>();
        services.AddSingleton<IProductImageStorage>(sp => sp.GetRequiredService<BlobProductImageStorage>());
        services.AddSingleton(sp => new BlobProductImageStorage(
            settings.Media.ConnectionString is { } connectionString
                ? new BlobServiceClient(connectionString)
                : new BlobServiceClient(settings.Media.BlobServiceUri, sp.GetRequiredService<TokenCredential>()),
            settings.Media,
            sp.GetRequiredService<TimeProvider>(),
            createContainersIfMissing: settings.Media.ConnectionString is not null));

        services.AddSingleton(sp => new HostStorageConnection(configuration, sp.GetRequiredService<TokenCredential>(), settings.AzureClientId));
        services.AddSingleton<IWorkQueue>(sp => sp.GetRequiredService<StorageWorkQueue>());
        services.AddSingleton(sp => new StorageWorkQueue(sp.GetRequiredService<HostStorageConnection>().Base64Queues));

        if (settings.ServiceBusNamespace is { } serviceBusNamespace)
            services.AddSingleton<IIntegrationEvents>(sp => new ServiceBusIntegrationEvents(
                new ServiceBusClient(serviceBusNamespace, sp.GetRequiredService<TokenCredential>()), settings.ServiceBusTopic!));
        else
            services.AddSingleton<IIntegrationEvents>(sp => new LocalQueueIntegrationEvents(sp.GetRequiredService<HostStorageConnection>().PlainTextQueues));

        if (settings.Email.Provider == EmailProvider.SendGrid)
            services.AddSingleton<IEmailSender>(sp => new SendGridEmailSender(
                SendGridEmailSender.CreateClient(settings.Email.SendGridApiKey!, settings.Email.SendGridHost),
                MailHelper.StringToEmailAddress(settings.Email.From),
                ThirdPartyResilience.Create(SendGridEmailSender.ServiceName, ThirdPartyResilienceOptions.Default,
                    sp.GetRequiredService<ILogger<SendGridEmailSender>>(), sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<ILogger<SendGridEmailSender>>()));
        else
            services.AddSingleton<IEmailSender>(sp => new LocalMailboxEmailSender(
                settings.Email.LocalMailboxPath, settings.Email.From, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalMailboxEmailSender>>()));

        return services;
    }

    private static DefaultAzureCredential CreateCredential(string? managedIdentityClientId) =>
        new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });

    /// <summary>The host storage account's queues, base64 for the work queues and plain text for the local events.</summary>
    private sealed class HostStorageConnection
    {
        public HostStorageConnection(IConfiguration configuration, TokenCredential appCredential, string? appClientId)
        {
            // AzureWebJobsStorage:clientId may name another identity than AZURE_CLIENT_ID; then it gets its own credential.
            TokenCredential? storageCredential = null;
            TokenCredential CredentialFor(string? clientId) =>
                string.IsNullOrEmpty(clientId) || clientId == appClientId ? appCredential : storageCredential ??= CreateCredential(clientId);

            Base64Queues = HostStorageQueues.CreateServiceClient(configuration, CredentialFor, QueueMessageEncoding.Base64);
            PlainTextQueues = HostStorageQueues.CreateServiceClient(configuration, CredentialFor, QueueMessageEncoding.None);
        }

        public QueueServiceClient Base64Queues { get; }
        public QueueServiceClient PlainTextQueues { get; }
    }
}

public enum EmailProvider { SendGrid, LocalMailbox }

/// <summary>The settings of <see cref="MediaAndMessagingRegistration.AddShopMediaAndMessaging"/>, read and checked in one go.</summary>
public sealed record MediaAndMessagingSettings(
    MediaOptions Media,
    string? ServiceBusNamespace,
    string? ServiceBusTopic,
    EmailSettings Email,
    string? AzureClientId)
{
    /// <summary>
    /// Where a relative <c>Email:LocalMailboxPath</c> (default <c>.local/mailbox</c>) is resolved. When it is not set, the
    /// folder holding Serverless.Shop.sln above the working directory, else the working directory.
    /// </summary>
    public const string RepositoryRootSetting = "LocalStack:RepositoryRoot";

    /// <exception cref="InvalidOperationException">Listing every missing or malformed setting at once.</exception>
    public static MediaAndMessagingSettings Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        // Media account: key-based locally, identity-based in Azure; the connection string wins when both are present.
        var mediaConnectionString = Value("Media:ConnectionString");
        var blobServiceUri = AbsoluteUri(Value("Media:BlobServiceUri"), "Media:BlobServiceUri", problems);
        if (mediaConnectionString is null && blobServiceUri is null)
            problems.Add("Media:ConnectionString (Azurite) or Media:BlobServiceUri (https://<account>.blob.core.windows.net) is required.");
        AbsoluteUri(Value("Media:PublicBaseUrl"), "Media:PublicBaseUrl", problems);
        if (Value("Media:PublicBaseUrl") is null)
            problems.Add("Media:PublicBaseUrl is required: the public URL of the product-images container (the CDN endpoint in Azure).");

        if (!HostStorageQueues.IsConfigured(configuration))
            problems.Add($"{HostStorageQueues.Setting} (a connection string) or {HostStorageQueues.Setting}:queueServiceUri / {HostStorageQueues.Setting}:accountName is required for the work queues.");

        var serviceBusNamespace = Value("ServiceBus:FullyQualifiedNamespace");
        var serviceBusTopic = Value("ServiceBus:TopicName");
        if (serviceBusNamespace is not null && serviceBusTopic is null)
            problems.Add("ServiceBus:TopicName is required when ServiceBus:FullyQualifiedNamespace is set.");

        var email = ReadEmail(configuration, Value, problems);

        if (problems.Count > 0)
            throw new InvalidOperationException("Media and messaging are not configured (see docs/configuration.md):" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));

        return new MediaAndMessagingSettings(
            new MediaOptions { ConnectionString = mediaConnectionString, BlobServiceUri = blobServiceUri, PublicBaseUrl = Value("Media:PublicBaseUrl")!.TrimEnd('/') },
            serviceBusNamespace,
            serviceBusTopic,
            email!,
            Value("AZURE_CLIENT_ID"));
    }

    private static EmailSettings? ReadEmail(IConfiguration configuration, Func<string, string?> value, List<string> problems)
    {
        EmailProvider? provider = value("Email:Provider") switch
        {
            null => null,
            var p when p.Equals("SendGrid", StringComparison.OrdinalIgnoreCase) => EmailProvider.SendGrid,
            var p when p.Equals("LocalMailbox", StringComparison.OrdinalIgnoreCase) => EmailProvider.LocalMailbox,
            _ => null,
        };
        if (provider is null) problems.Add("Email:Provider must be SendGrid or LocalMailbox.");

        var from = value("Email:From");
        if (from is null) problems.Add("Email:From is required: the address the shop's email comes from.");
        else if (!MailAddress.TryCreate(from, out _)) problems.Add($"Email:From is not an email address: '{from}'.");

        // The key itself is never repeated in a message.
        var apiKey = value("Email:SendGridApiKey");
        if (provider == EmailProvider.SendGrid && apiKey is null)
            problems.Add("Email:SendGridApiKey is required when Email:Provider is SendGrid (in Azure, a Key Vault reference to sendgrid-api-key).");
        var sendGridHost = AbsoluteUri(value("Email:SendGridHost"), "Email:SendGridHost", problems);

        var mailbox = value("Email:LocalMailboxPath") ?? LocalMailboxEmailSender.DefaultFolder;
        if (!Path.IsPathRooted(mailbox)) mailbox = Path.Combine(value(RepositoryRootSetting) ?? RepositoryRootAbove(Directory.GetCurrentDirectory()), mailbox);

        return provider is null || from is null
            ? null
            : new EmailSettings(provider.Value, from, apiKey, sendGridHost is null ? null : value("Email:SendGridHost"), Path.GetFullPath(mailbox));
    }

    // Under `func start` the working directory is the build output: the mailbox belongs at the top of the checkout.
    private static string RepositoryRootAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.Shop.sln"))) return directory.FullName;
        return start;
    }

    private static Uri? AbsoluteUri(string? value, string key, List<string> problems)
    {
        if (value is null) return null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
        problems.Add($"{key} is not an absolute http(s) URL: '{value}'.");
        return null;
    }
}

/// <param name="SendGridHost">Optional <c>Email:SendGridHost</c>: another API host (a test double); SendGrid's own when null.</param>
public sealed record EmailSettings(EmailProvider Provider, string From, string? SendGridApiKey, string? SendGridHost, string LocalMailboxPath)
{
    // A record prints its properties; the API key must not end up in a log that way.
    public override string ToString() => $"EmailSettings {{ Provider = {Provider}, From = {From}, SendGridHost = {SendGridHost}, LocalMailboxPath = {LocalMailboxPath} }}";
}
