using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SendGrid.Helpers.Mail;
using Serverless.Shop.Domain.Marketing.Campaigns;
using Serverless.Shop.Infrastructure.Common;
using Serverless.Shop.Infrastructure.Marketing.Campaigns;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Marketing.Campaigns;

/// <summary>
/// The bulk SendGrid adapter against a WireMock double of SendGrid's v3 Mail Send API, answering as its documentation
/// shows (202 with no body on success; 400 and 429 with <c>{"errors":[{"message","field"}]}</c>).
/// </summary>
public sealed class SendGridBulkEmailSenderTests : IDisposable
{
    private const string ApiKey = "SG.bulk-test-key.never-shown";
    private readonly WireMockServer _sendGrid = WireMockServer.Start();

    public void Dispose() => _sendGrid.Stop();

    private SendGridBulkEmailSender Sender(TimeSpan? timeout = null) =>
        new(SendGridEmailSender.CreateClient(ApiKey, _sendGrid.Url), new EmailAddress("news@shop.example", "Shop news"), NullLogger<SendGridBulkEmailSender>.Instance, timeout);

    private void Answer(int status, string? body = null) =>
        _sendGrid.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(body is null ? Response.Create().WithStatusCode(status) : Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private static MarketingEmail Email(int recipients) => new("cmp_42", 3, "Spring news", "<p>Hi <a href=\"%unsubscribe_url%\">unsubscribe</a></p>", "Hi %unsubscribe_url%",
        [.. Enumerable.Range(0, recipients).Select(i =>
        {
            var link = new Uri($"https://shop.example/api/marketing/unsubscribe?r=key-{i}&c=cmp_42");
            return new MarketingRecipientEmail($"reader{i}@example.com", link,
                new Dictionary<string, string> { ["%unsubscribe_url%"] = link.AbsoluteUri },
                new Dictionary<string, string> { ["campaign_id"] = "cmp_42", ["recipient_key"] = $"key-{i}" });
        })]);

    [Fact]
    public async Task Sends_one_request_with_one_personalization_per_recipient_each_with_its_unsubscribe_headers_substitution_and_custom_args()
    {
        Answer(202);

        await Sender().SendAsync(Email(3), CancellationToken.None);

        var request = _sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Headers!["Authorization"].ToString().ShouldBe($"Bearer {ApiKey}");
        using var json = JsonDocument.Parse(request.Body!);
        var mail = json.RootElement;
        mail.GetProperty("from").GetProperty("email").GetString().ShouldBe("news@shop.example");
        mail.GetProperty("subject").GetString().ShouldBe("Spring news");
        mail.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("type").GetString()).ShouldBe(["text/plain", "text/html"]);
        var personalizations = mail.GetProperty("personalizations").EnumerateArray().ToList();
        personalizations.Count.ShouldBe(3);
        var second = personalizations[1];
        second.GetProperty("to").EnumerateArray().ShouldHaveSingleItem().GetProperty("email").GetString().ShouldBe("reader1@example.com");
        second.GetProperty("headers").GetProperty("List-Unsubscribe").GetString().ShouldBe("<https://shop.example/api/marketing/unsubscribe?r=key-1&c=cmp_42>");
        second.GetProperty("headers").GetProperty("List-Unsubscribe-Post").GetString().ShouldBe("List-Unsubscribe=One-Click");
        second.GetProperty("substitutions").GetProperty("%unsubscribe_url%").GetString().ShouldBe("https://shop.example/api/marketing/unsubscribe?r=key-1&c=cmp_42");
        second.GetProperty("custom_args").GetProperty("campaign_id").GetString().ShouldBe("cmp_42");
        second.GetProperty("custom_args").GetProperty("recipient_key").GetString().ShouldBe("key-1");
    }

    [Theory]
    [InlineData(400, "{\"errors\":[{\"message\":\"The subject is required.\",\"field\":\"subject\"}]}", "The subject is required.")]
    [InlineData(429, "{\"errors\":[{\"message\":\"too many requests\",\"field\":null}]}", "too many requests")]
    [InlineData(503, null, "503")]
    public async Task An_error_answer_is_a_refusal_with_sendgrids_words_and_is_not_retried(int status, string? body, string expected)
    {
        Answer(status, body);

        var refused = await Should.ThrowAsync<BulkSendRefusedException>(() => Sender().SendAsync(Email(2), CancellationToken.None));

        refused.Status.ShouldBe(status);
        refused.Message.ShouldContain(expected);
        refused.Message.ShouldNotContain("reader0@example.com");
        _sendGrid.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task Takes_up_to_sendgrids_1000_personalizations_and_refuses_more_before_calling()
    {
        Answer(202);
        await Sender().SendAsync(Email(1000), CancellationToken.None);
        await Should.ThrowAsync<ArgumentException>(() => Sender().SendAsync(Email(1001), CancellationToken.None));
        _sendGrid.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_answer_that_never_comes_is_a_timeout_not_a_refusal_so_the_claim_stays()
    {
        _sendGrid.Given(Request.Create().WithPath("/v3/mail/send").UsingPost()).RespondWith(Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromSeconds(5)));

        var failure = await Should.ThrowAsync<TimeoutException>(() => Sender(TimeSpan.FromMilliseconds(300)).SendAsync(Email(1), CancellationToken.None));

        failure.Message.ShouldContain("unknown");
    }
}
