using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Infrastructure.Marketing.Campaigns;

/// <summary>
/// The local stand-in for SendGrid's bulk send: each recipient's own copy lands in the local mailbox (.local/mailbox) as
/// an .eml file, with the substitutions applied and the headers SendGrid would add (List-Unsubscribe,
/// List-Unsubscribe-Post) and the custom args as X-Campaign-Id / X-Recipient-Key. Nothing leaves the machine.
/// </summary>
public sealed class LocalMailboxBulkEmailSender(LocalMailboxEmailSender mailbox) : IBulkEmailSender
{
    public int MaxRecipientsPerRequest => SendGridBulkEmailSender.SendGridMaximumPersonalizations;

    public async Task SendAsync(MarketingEmail email, CancellationToken ct)
    {
        foreach (var recipient in email.Recipients)
        {
            string Personal(string text) => recipient.Substitutions.Aggregate(text, (t, s) => t.Replace(s.Key, s.Value, StringComparison.Ordinal));
            await mailbox.SendAsync(new EmailMessage([recipient.Email], Personal(email.Subject), Personal(email.Text), Personal(email.Html))
            {
                Headers = new Dictionary<string, string>
                {
                    ["List-Unsubscribe"] = $"<{recipient.UnsubscribeUrl.AbsoluteUri}>",
                    ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
                },
                CustomArgs = recipient.CustomArgs,
            }, ct);
        }
    }
}
