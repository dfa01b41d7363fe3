using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using SendGrid.Helpers.Mail;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>The SendGrid adapter against a WireMock double of SendGrid's Mail Send API.</summary>
public sealed class SendGridEmailSenderTests : IDisposable
{
    private const string ApiKey = "SG.test-key.never-shown-anywhere";
    private const string MailSendPath = "/v3/mail/send";

    // Fast waits so a test of three attempts takes milliseconds; the budget (1 try + 2 retries) is what is checked.
    private static readonly ThirdPartyResilienceOptions FastRetries = new()
    {
        MaxRetryAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    private readonly WireMockServer sendGrid = WireMockServer.Start();

    public void Dispose() => sendGrid.Stop();

    [Fact]
    public async Task Posts_the_sender_recipient_subject_and_text_with_the_api_key_as_bearer_token()
    {
        Answer(202);

        await Sender().SendAsync(new EmailMessage(["merch@example.com"], "Low stock: Blue mug", "Only 3 left."), CancellationToken.None);

        var request = sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage;
        request.Path.ShouldBe(MailSendPath);
        request.Headers!["Authorization"].ToString().ShouldBe($"Bearer {ApiKey}");
        using var body = JsonDocument.Parse(request.Body!);
        var mail = body.RootElement;
        mail.GetProperty("from").GetProperty("email").GetString().ShouldBe("shop@example.com");
        mail.GetProperty("from").GetProperty("name").GetString().ShouldBe("Serverless Shop");
        mail.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString().ShouldBe("merch@example.com");
        mail.GetProperty("subject").GetString().ShouldBe("Low stock: Blue mug");
        var content = mail.GetProperty("content").ShouldHaveSingleItemOf();
        content.GetProperty("type").GetString().ShouldBe("text/plain");
        content.GetProperty("value").GetString().ShouldBe("Only 3 left.");
    }

    [Fact]
    public async Task Sends_the_html_body_beside_the_text_and_a_separate_copy_to_each_recipient()
    {
        Answer(202);

        await Sender().SendAsync(new EmailMessage(["a@example.com", "b@example.com"], "Hello", "Hi", "<p>Hi</p>"), CancellationToken.None);

        using var body = JsonDocument.Parse(sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage.Body!);
        var personalizations = body.RootElement.GetProperty("personalizations").EnumerateArray()
            .Select(p => p.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("email").GetString()).ToList()).ToList();
        personalizations.ShouldBe([["a@example.com"], ["b@example.com"]]);
        body.RootElement.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("type").GetString())
            .ShouldBe(["text/plain", "text/html"]);
    }

    [Fact]
    public async Task Sends_the_headers_and_custom_args_at_message_level_so_every_copy_carries_them()
    {
        Answer(202);
        var message = new EmailMessage(["a@example.com"], "Your cart", "Hi", "<p>Hi</p>")
        {
            Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://shop.example/u?t=1>", ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
            CustomArgs = new Dictionary<string, string> { ["campaign_id"] = "flow-abandoned-cart", ["recipient_key"] = "k1" },
        };

        await Sender().SendAsync(message, CancellationToken.None);

        // Mail Send v3: "headers" and "custom_args" at the top level apply to every personalization.
        using var body = JsonDocument.Parse(sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage.Body!);
        var headers = body.RootElement.GetProperty("headers");
        headers.GetProperty("List-Unsubscribe").GetString().ShouldBe("<https://shop.example/u?t=1>");
        headers.GetProperty("List-Unsubscribe-Post").GetString().ShouldBe("List-Unsubscribe=One-Click");
        var args = body.RootElement.GetProperty("custom_args");
        args.GetProperty("campaign_id").GetString().ShouldBe("flow-abandoned-cart");
        args.GetProperty("recipient_key").GetString().ShouldBe("k1");
    }

    [Fact]
    public async Task Sends_inline_images_with_their_content_id_and_files_as_attachments_base64()
    {
        Answer(202);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], csv = "a,b\r\n1,2\r\n"u8.ToArray();

        await Sender().SendAsync(new EmailMessage(["a@example.com"], "Daily report", "Hi", "<img src=\"cid:funnel.png\">")
        {
            Attachments = [new EmailAttachment("funnel.png", "image/png", png, "funnel.png"), new EmailAttachment("report.csv", "text/csv; charset=utf-8", csv)],
        }, CancellationToken.None);

        using var body = JsonDocument.Parse(sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage.Body!);
        var files = body.RootElement.GetProperty("attachments").EnumerateArray().ToList();
        files.Count.ShouldBe(2);
        var image = files.Single(f => f.GetProperty("filename").GetString() == "funnel.png");
        image.GetProperty("disposition").GetString().ShouldBe("inline");
        image.GetProperty("content_id").GetString().ShouldBe("funnel.png");
        image.GetProperty("type").GetString().ShouldBe("image/png");
        Convert.FromBase64String(image.GetProperty("content").GetString()!).ShouldBe(png);
        var attached = files.Single(f => f.GetProperty("filename").GetString() == "report.csv");
        attached.GetProperty("disposition").GetString().ShouldBe("attachment");
        attached.TryGetProperty("content_id", out _).ShouldBeFalse();
        Convert.FromBase64String(attached.GetProperty("content").GetString()!).ShouldBe(csv);
    }

    [Fact]
    public async Task A_message_without_attachments_sends_none()
    {
        Answer(202);

        await Sender().SendAsync(new EmailMessage(["a@example.com"], "Hello", "Hi"), CancellationToken.None);

        using var body = JsonDocument.Parse(sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage.Body!);
        body.RootElement.TryGetProperty("attachments", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_message_without_headers_or_custom_args_sends_neither()
    {
        Answer(202);

        await Sender().SendAsync(Message(), CancellationToken.None);

        using var body = JsonDocument.Parse(sendGrid.LogEntries.ShouldHaveSingleItem().RequestMessage.Body!);
        body.RootElement.TryGetProperty("headers", out _).ShouldBeFalse();
        body.RootElement.TryGetProperty("custom_args", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Completes_when_sendgrid_accepts_the_message()
    {
        Answer(202);

        await Should.NotThrowAsync(() => Sender().SendAsync(Message(), CancellationToken.None));
        sendGrid.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task Throws_with_sendgrid_error_text_on_a_bad_request_without_retrying()
    {
        Answer(400, """{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null}]}""");

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Sender().SendAsync(Message(), CancellationToken.None));

        error.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        error.Message.ShouldContain("400");
        error.Message.ShouldContain("The from address does not match a verified Sender Identity.");
        error.Message.ShouldContain("from");
        sendGrid.LogEntries.Count().ShouldBe(1);
    }

    [Fact]
    public async Task Retries_once_after_being_throttled_and_succeeds()
    {
        sendGrid.Given(Request.Create().WithPath(MailSendPath).UsingPost()).InScenario("throttled").WillSetStateTo("throttled once")
            .RespondWith(Response.Create().WithStatusCode(429).WithBody("""{"errors":[{"message":"too many requests"}]}"""));
        sendGrid.Given(Request.Create().WithPath(MailSendPath).UsingPost()).InScenario("throttled").WhenStateIs("throttled once")
            .RespondWith(Response.Create().WithStatusCode(202));

        await Should.NotThrowAsync(() => Sender().SendAsync(Message(), CancellationToken.None));

        sendGrid.LogEntries.Select(e => e.ResponseMessage.StatusCode).ShouldBe([429, 202]);
    }

    [Fact]
    public async Task Gives_up_after_the_retry_budget_when_sendgrid_keeps_failing()
    {
        Answer(500, "upstream exploded");

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Sender().SendAsync(Message(), CancellationToken.None));

        error.StatusCode.ShouldBe(System.Net.HttpStatusCode.InternalServerError);
        error.Message.ShouldContain("upstream exploded");
        sendGrid.LogEntries.Count().ShouldBe(1 + FastRetries.MaxRetryAttempts);
    }

    [Fact]
    public async Task Never_puts_the_api_key_in_the_exception()
    {
        Answer(401, """{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}""");

        var error = await Should.ThrowAsync<ThirdPartyCallFailedException>(() => Sender().SendAsync(Message(), CancellationToken.None));

        error.Message.ShouldContain("authorization grant is invalid");
        error.ToString().ShouldNotContain(ApiKey);
        error.ToString().ShouldNotContain("test-key");
    }

    [Fact]
    public async Task Stops_calling_sendgrid_while_the_circuit_is_open()
    {
        Answer(503);
        var sender = Sender(FastRetries with { MaxRetryAttempts = 1, BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5 });
        await Should.ThrowAsync<ThirdPartyCallFailedException>(() => sender.SendAsync(Message(), CancellationToken.None));

        await Should.ThrowAsync<BrokenCircuitException>(() => sender.SendAsync(Message(), CancellationToken.None));

        sendGrid.LogEntries.Count().ShouldBe(2);
    }

    private void Answer(int status, string? body = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body is not null) response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        sendGrid.Given(Request.Create().WithPath(MailSendPath).UsingPost()).RespondWith(response);
    }

    private SendGridEmailSender Sender(ThirdPartyResilienceOptions? resilience = null) => new(
        SendGridEmailSender.CreateClient(ApiKey, sendGrid.Url),
        new EmailAddress("shop@example.com", "Serverless Shop"),
        ThirdPartyResilience.Create(SendGridEmailSender.ServiceName, resilience ?? FastRetries, NullLogger.Instance),
        NullLogger<SendGridEmailSender>.Instance);

    private static EmailMessage Message() => new(["merch@example.com"], "Subject", "Body");
}

internal static class JsonElementAssertions
{
    public static JsonElement ShouldHaveSingleItemOf(this JsonElement array)
    {
        array.GetArrayLength().ShouldBe(1);
        return array[0];
    }
}
