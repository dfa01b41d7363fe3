using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.LocalHost.Simulators;

public sealed record LocalSignUpInput(string? Email, string? Name, string? Password);
public sealed record LocalSignInInput(string? Email, string? Password);
public sealed record LocalSignUpBody(string Id, string Email, bool EmailVerified, string Message);
public sealed record LocalTokenBody(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>
/// The local customer sign-up and sign-in page (what External ID's hosted pages are in Azure) and the JSON calls it
/// makes: POST sign-up, GET verify (the link in the email), POST token. Mapped by the local host only.
/// </summary>
public static class CustomerIdentitySimulatorEndpoints
{
    public const string PagePath = "simulators/customers";

    public static IEndpointRouteBuilder MapCustomerIdentitySimulator(this IEndpointRouteBuilder app)
    {
        var identity = app.ServiceProvider.GetRequiredService<LocalCustomerIdentity>();
        var email = app.ServiceProvider.GetRequiredService<IEmailSender>();

        app.MapGet($"/{PagePath}", () => Html(StatusCodes.Status200OK, "Local customer sign-in", Page)).ExcludeFromDescription();

        app.MapPost($"/{PagePath}/sign-up", (Func<HttpContext, Task<IResult>>)(http => AnswerAsync(http, async () =>
        {
            var input = await ReadAsync<LocalSignUpInput>(http);
            var (account, token) = identity.SignUp(input.Email, input.Name, input.Password);
            var link = $"{http.Request.Scheme}://{http.Request.Host}/{PagePath}/verify?token={Uri.EscapeDataString(token)}";
            await email.SendAsync(new EmailMessage([account.Email], "Verify your email for Serverless.Shop",
                $"Hello {account.Name},\n\nopen this link to verify your email address and finish signing up:\n\n{link}\n\nThe link works once, for {LocalCustomerIdentity.VerificationLifetime.TotalHours:0} hours.\n"), http.RequestAborted);
            return Results.Json(new LocalSignUpBody(account.Id, account.Email, false, "Check your mailbox for the verification link."), ShopJson.Options, statusCode: StatusCodes.Status201Created);
        }))).ExcludeFromDescription();

        app.MapGet($"/{PagePath}/verify", (string? token) => identity.Verify(token) is { } account
                ? Html(StatusCodes.Status200OK, "Email verified", $"<p>{Encode(account.Email)} is verified. <a href=\"/{PagePath}\">Sign in</a>.</p>")
                : Html(StatusCodes.Status404NotFound, "Link not valid", "<p>This verification link is wrong, already used or expired.</p>"))
            .ExcludeFromDescription();

        app.MapPost($"/{PagePath}/token", (Func<HttpContext, Task<IResult>>)(http => AnswerAsync(http, async () =>
        {
            var input = await ReadAsync<LocalSignInInput>(http);
            var token = identity.SignIn(input.Email, input.Password);
            return Results.Json(new LocalTokenBody(token, "Bearer", (int)LocalCustomerIdentity.TokenLifetime.TotalSeconds), ShopJson.Options);
        }))).ExcludeFromDescription();
        return app;
    }

    private static async Task<T> ReadAsync<T>(HttpContext http)
    {
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            throw new UnsupportedContentException("Send JSON (Content-Type: application/json).");
        return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, ShopJson.Options, http.RequestAborted)
            ?? throw ValidationFailedException.For("body", "is required.");
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, Func<Task<IResult>> run)
    {
        try
        {
            return await run();
        }
        catch (EmailNotVerifiedException e)
        {
            return Problem(Problems.Create(http, StatusCodes.Status403Forbidden, "email-not-verified", "Email not verified.", e.Message, new Dictionary<string, string[]> { ["email"] = ["is not verified."] }));
        }
        catch (InvalidCredentialsException e)
        {
            return Problem(Problems.Create(http, StatusCodes.Status401Unauthorized, "invalid-credentials", "Sign-in failed.", e.Message));
        }
        catch (Exception e) when (e is ShopException or JsonException)
        {
            return Problem(Problems.From(e, http));
        }
    }

    private static IResult Problem(ApiResult problem) => Results.Json(problem.Body, ShopJson.Options, Problems.ContentType, problem.StatusCode);

    private const string Page = $$"""
        <p>A local stand-in for the shop's customer sign-in (Microsoft Entra External ID in Azure). The verification
        email goes to the local mailbox folder (<code>.local/mailbox</code>).</p>
        <h2>Sign up</h2>
        <form id="sign-up"><input name="email" type="email" placeholder="email" required> <input name="name" placeholder="name" required>
        <input name="password" type="password" placeholder="password (8+)" required> <button>Sign up</button></form>
        <h2>Sign in</h2>
        <form id="sign-in"><input name="email" type="email" placeholder="email" required>
        <input name="password" type="password" placeholder="password" required> <button>Sign in</button></form>
        <pre id="answer"></pre>
        <script>
        for (const [id, path] of [["sign-up", "sign-up"], ["sign-in", "token"]]) {
          document.getElementById(id).addEventListener("submit", async e => {
            e.preventDefault();
            const body = JSON.stringify(Object.fromEntries(new FormData(e.target)));
            const r = await fetch("/{{PagePath}}/" + path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
            document.getElementById("answer").textContent = r.status + "\n" + JSON.stringify(await r.json(), null, 2);
          });
        }
        </script>
        """;

    private static IResult Html(int status, string title, string body) => SimulatorPage.Html(status, title, body, "pre{white-space:pre-wrap;word-break:break-all}");

    private static string Encode(string text) => SimulatorPage.Encode(text);
}
