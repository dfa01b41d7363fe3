namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>The local shop's mailbox folder as tests read it: the emails to an address whose subject holds a phrase, oldest first.</summary>
public sealed class TestMailbox(LocalShopFixture fixture)
{
    public IReadOnlyList<string> Mails(string to, string subjectPart) => Directory.Exists(fixture.Shop.MailboxDirectory)
        ? [.. Directory.GetFiles(fixture.Shop.MailboxDirectory, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText)
            .Where(text => text.Contains($"To: {to}", StringComparison.Ordinal) && text.Contains(subjectPart, StringComparison.Ordinal))]
        : [];

    /// <summary>The newest such email, waiting up to 30 s for it.</summary>
    public async Task<string> MailAsync(string to, string subjectPart)
    {
        for (var i = 0; i < 150; i++)
        {
            if (Mails(to, subjectPart).LastOrDefault() is { } mail) return mail;
            await Task.Delay(200);
        }
        throw new TimeoutException($"No email '{subjectPart}' to {to} in {fixture.Shop.MailboxDirectory}.");
    }
}
