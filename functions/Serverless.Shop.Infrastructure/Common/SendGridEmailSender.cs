using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using SendGrid;
using SendGrid.Helpers.Mail;
using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// Email through SendGrid's v3 Mail Send API. Each recipient gets their own copy (one personalization each), so
/// customers never see each other's addresses.
/// </summary>
public sealed class SendGridEmailSender(SendGridClient client, EmailAddress from, ResiliencePipeline resilience, ILogger<SendGridEmailSender> logger) : IEmailSender
{
    public const string ServiceName = "SendGrid";

    /// <summary>The resilience pipeline's whole budget: it gives up after this, retries and waits included.</summary>
    public TimeSpan LongestSend => ThirdPartyResilienceOptions.Default.TotalTimeout;
    private const int MaximumDetailLength = 1000;

    /// <summary>A client for <paramref name="host"/> (SendGrid's own when null; a test double's in tests).</summary>
    public static SendGridClient CreateClient(string apiKey, string? host)
    {
        var options = new SendGridClientOptions { ApiKey = apiKey };
        if (!string.IsNullOrWhiteSpace(host)) options.Host = host.TrimEnd('/');
        // One long-lived HttpClient (the sender is a singleton); recycling pooled connections keeps up with DNS changes.
        // No HttpClient timeout of its own: the resilience pipeline times each attempt out.
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        return new SendGridClient(http, options);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        if (message.To.Count == 0) throw new ArgumentException("An email needs at least one recipient.", nameof(message));
        var mail = MailHelper.CreateSingleEmailToMultipleRecipients(
            from, message.To.Select(MailHelper.StringToEmailAddress).ToList(), message.Subject, message.TextBody, message.HtmlBody, showAllRecipients: false);
        // Message-level headers and custom args apply to every personalization (every recipient's copy).
        if (message.Headers.Count > 0) mail.Headers = new Dictionary<string, string>(message.Headers);
        if (message.CustomArgs.Count > 0) mail.CustomArgs = new Dictionary<string, string>(message.CustomArgs);
        // Files go base64 in "attachments"; an inline image (one with a content id) has disposition "inline" and its
        // content_id, which the HTML references as cid:<content_id> (v3 Mail Send API).
        foreach (var file in message.Attachments)
            mail.AddAttachment(file.FileName, Convert.ToBase64String(file.Content), file.ContentType,
                file.ContentId is null ? "attachment" : "inline", file.ContentId);

        await resilience.ExecuteAsync(async token =>
        {
            var response = await client.SendEmailAsync(mail, token);
            if (response.IsSuccessStatusCode) return;
            var body = response.Body is null ? "" : await response.Body.ReadAsStringAsync(token);
            throw new ThirdPartyCallFailedException(ServiceName, response.StatusCode, DescribeError(body), RetryAfter(response.Headers));
        }, ct);

        logger.LogInformation("Sent an email to {RecipientCount} recipient(s) through SendGrid.", message.To.Count);
    }

    /// <summary>SendGrid's own words: <c>{"errors":[{"message":"...","field":"..."}]}</c>, joined; otherwise the raw body, shortened.</summary>
    private static string DescribeError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var messages = errors.EnumerateArray()
                    .Select(e => (Message: Text(e, "message"), Field: Text(e, "field")))
                    .Where(e => e.Message is not null)
                    .Select(e => e.Field is null ? e.Message! : $"{e.Message} (field: {e.Field})")
                    .ToList();
                if (messages.Count > 0) return Shorten(string.Join("; ", messages));
            }
        }
        catch (JsonException) { }
        return string.IsNullOrWhiteSpace(body) ? "no error text" : Shorten(body.Trim());
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Shorten(string text) => text.Length <= MaximumDetailLength ? text : text[..MaximumDetailLength] + "...";

    // Only the "seconds" form: SendGrid does not send dates, and a date would need the clock.
    private static TimeSpan? RetryAfter(HttpResponseHeaders? headers) => headers?.RetryAfter?.Delta;
}
