using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Http;

/// <summary>Reading what a client sent, with the checks every function needs: media type, size, well-formed JSON.</summary>
public static class HttpRequestReading
{
    public const int MaximumJsonBytes = 256 * 1024;

    /// <summary>Reads the body as <typeparamref name="T"/>. Malformed or wrong-typed JSON throws a <see cref="JsonException"/> that the pipeline reports with the field at fault.</summary>
    public static Task<T> ReadJsonAsync<T>(this HttpRequest request) where T : class => request.ReadJsonAsync<T>(MaximumJsonBytes, "application/json");

    /// <summary>
    /// Reads a JSON body of at most <paramref name="maximumJsonBytes"/> sent with one of <paramref name="mediaTypes"/> (the
    /// clickstream also takes text/plain, which navigator.sendBeacon sends to avoid a CORS preflight).
    /// </summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, int maximumJsonBytes, params string[] mediaTypes) where T : class
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!mediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            throw new UnsupportedContentException($"Send the body as JSON with Content-Type: {string.Join(" or ", mediaTypes)}.");
        if (request.ContentLength > maximumJsonBytes)
            throw new InputTooLargeException($"A JSON body may be at most {maximumJsonBytes / 1024} KB.");

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maximumJsonBytes) throw new InputTooLargeException($"A JSON body may be at most {maximumJsonBytes / 1024} KB.");
        }
        if (buffer.Length == 0) throw ValidationFailedException.For("body", "is required.");
        buffer.Position = 0;
        return await JsonSerializer.DeserializeAsync<T>(buffer, ShopJson.Options) ?? throw ValidationFailedException.For("body", "must be a JSON object, not null.");
    }

    /// <summary>The ETag the client based its change on (If-Match), or null.</summary>
    public static string? IfMatch(this HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(value) ? null : EntityTags.ToVersion(value);
    }

    public static string? Query(this HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count > 1) throw ValidationFailedException.For(name, "must be given once.");
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>An idempotency id for operations that need one even without the header (e.g. a stock adjustment's journal id).</summary>
    public static string OperationId(this HttpRequest request, string prefix) =>
        request.Headers.TryGetValue("Idempotency-Key", out var key) && key.ToString().Length is > 0 and <= 100
            ? $"{prefix}_{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(request.Actor().Id + "\n" + key)))[..32].ToLowerInvariant()}"
            : Ids.New(prefix);
}
