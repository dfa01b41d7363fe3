using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Http;

/// <summary>
/// The response of every HTTP function: a status, optional headers and a JSON body written with the shop's one JSON
/// configuration. It writes itself, so the Functions worker and the local host execute it the same way.
/// </summary>
public sealed class ApiResult(int statusCode, object? body, string contentType = "application/json") : IActionResult
{
    public int StatusCode { get; } = statusCode;
    public object? Body { get; } = body;
    public string ContentType { get; } = contentType;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? SerializedBody => Body switch
    {
        null => null,
        RawJson raw => raw.Json,
        byte[] => null,
        string text when ContentType != "application/json" => text,
        _ => JsonSerializer.Serialize(Body, Body.GetType(), ShopJson.Options),
    };

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        if (Body is null || StatusCode == StatusCodes.Status304NotModified) return;
        response.ContentType = ContentType.StartsWith("text/", StringComparison.Ordinal) ? ContentType + "; charset=utf-8" : ContentType;
        if (Body is byte[] bytes)
        {
            await response.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
            return;
        }
        await response.WriteAsync(SerializedBody!, context.HttpContext.RequestAborted);
    }

    public ApiResult WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}

/// <summary>The responses HTTP functions return. One place, so every resource answers alike (ETag, Location, paging).</summary>
public static class Api
{
    public static ApiResult Ok(object body) => new(StatusCodes.Status200OK, body);

    public static ApiResult Ok<T>(Versioned<T> resource) where T : notnull => Ok((object)resource.Value).WithETag(resource.Version);

    public static ApiResult Created<T>(string location, Versioned<T> resource) where T : notnull =>
        new ApiResult(StatusCodes.Status201Created, resource.Value).WithETag(resource.Version).WithHeader("Location", location);

    public static ApiResult Accepted(object body) => new(StatusCodes.Status202Accepted, body);

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);

    /// <summary>A page of a listing: the items, and the token for the next page (absent on the last one).</summary>
    public static ApiResult Page<T>(Page<T> page) => Ok(new PageBody<T>(page.Items, page.ContinuationToken));

    public static ApiResult Text(string contentType, string text) => new(StatusCodes.Status200OK, text, contentType);

    /// <summary>A file (an XLSX export): its bytes as they are, offered for download as <paramref name="fileName"/>.</summary>
    public static ApiResult File(string contentType, byte[] bytes, string fileName) =>
        new ApiResult(StatusCodes.Status200OK, bytes, contentType).WithHeader("Content-Disposition", $"attachment; filename=\"{fileName}\"");

    private static ApiResult WithETag(this ApiResult result, string version) =>
        string.IsNullOrEmpty(version) ? result : result.WithHeader("ETag", EntityTags.FromVersion(version));
}

public sealed record PageBody<T>(IReadOnlyList<T> Items, string? ContinuationToken);
