using System.Net;
using System.Text.Json;

namespace Serverless.Shop.IntegrationTests;

public static class ProblemAssertions
{
    /// <summary>The response is an RFC 9457 problem with this status, naming <paramref name="field"/> when given.</summary>
    public static async Task<JsonElement> ShouldBeProblem(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(status, body.ToString());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        body.GetProperty("status").GetInt32().ShouldBe((int)status);
        body.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
        body.GetProperty("type").GetString().ShouldStartWith("https://");
        if (field is not null) body.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue($"expected an error for '{field}' in {body}");
        return body;
    }
}
