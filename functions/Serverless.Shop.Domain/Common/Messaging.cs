namespace Serverless.Shop.Domain.Common;

/// <summary>The shop's own background work, handed to queue-triggered functions. Delivery is at least once: handlers are idempotent.</summary>
public interface IWorkQueue
{
    Task EnqueueAsync<T>(string queueName, T message, CancellationToken ct);
}

/// <summary>Names of the storage queues; each has a queue-triggered function and a poison queue "&lt;name&gt;-poison".</summary>
public static class WorkQueues
{
    public const string ImageProcessing = "image-processing";
    public const string LowStockAlerts = "low-stock-alerts";
    public const string OrderEvents = "order-events";
    public const string StorefrontChanges = "storefront-changes";
}

/// <summary>Facts other systems may react to (ERP, marketing apps, analytics), published to the Service Bus topic.</summary>
public sealed record IntegrationEvent(string Type, string Subject, object Data, DateTimeOffset OccurredAt, string Id);

public interface IIntegrationEvents
{
    Task PublishAsync(IntegrationEvent integrationEvent, CancellationToken ct);
}

public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string TextBody, string? HtmlBody = null)
{
    /// <summary>Extra headers, such as List-Unsubscribe and List-Unsubscribe-Post on marketing email (RFC 2369, RFC 8058).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Values the email provider echoes on each delivery event (SendGrid custom args): which campaign or flow, which recipient.</summary>
    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Files sent with the email: attachments, and inline images the HTML shows by <c>cid:</c> (those with a <see cref="EmailAttachment.ContentId"/>).</summary>
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
}

/// <summary>
/// A file an email carries. With a <paramref name="ContentId"/> it is inline (an image the HTML body shows as
/// <c>&lt;img src="cid:ContentId"&gt;</c>); without, an attachment the reader downloads.
/// </summary>
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content, string? ContentId = null);

/// <summary>Sends email to people: merchandisers now, customers later.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);

    /// <summary>
    /// The longest one <see cref="SendAsync"/> can take, retries included: a sender that claims an email before sending
    /// it (<see cref="Orders.NotifyOrderChange"/>) holds the claim this long and a little more.
    /// </summary>
    TimeSpan LongestSend => TimeSpan.FromMinutes(1);
}
