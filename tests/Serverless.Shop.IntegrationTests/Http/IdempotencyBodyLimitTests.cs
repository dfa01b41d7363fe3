using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Net.Http.Headers;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Functions.Http;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// The Idempotency-Key step reads a body only within the function's size limit: an oversized body is refused with 413
/// before it is hashed or read whole, and nothing is kept under its key.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class IdempotencyBodyLimitTests(LocalShopFixture fixture)
{
    private readonly TestCatalog _catalog = new(fixture);

    private static bool IsReplay(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    [Fact]
    public async Task A_chunked_body_far_above_the_limit_with_an_idempotency_key_is_a_413_read_only_to_the_limit_and_keeps_nothing_under_the_key()
    {
        var key = Guid.NewGuid().ToString();
        const long offered = 64L * 1024 * 1024;

        var (status, problem, sent) = await PostChunkedAsync("/api/products", fixture.Shop.Tokens.For(ShopRoles.Merchandiser), key, offered);

        status.ShouldBe(413, problem);
        problem.ShouldContain("/too-large");
        // The answer came while the body was still being offered: the server stopped a little past the limit
        // (Kestrel and the sockets take a few buffers ahead), far from reading the 64 MB.
        sent.ShouldBeLessThan(offered / 8);

        // Nothing was kept under the key: the same key with a proper body runs now, rather than replaying a 413 or
        // calling the key reused for another body.
        var retry = await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(TestCatalog.Unique("After Oversized Mug")), key);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created, (await retry.JsonAsync()).ToString());
        IsReplay(retry).ShouldBeFalse();
    }

    [Fact]
    public async Task A_body_whose_content_length_is_above_the_limit_is_a_413_with_an_idempotency_key_and_keeps_nothing_under_the_key()
    {
        var key = Guid.NewGuid().ToString();
        var oversized = new ByteArrayContent(new byte[HttpRequestReading.MaximumJsonBytes + 1]);
        oversized.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "api/products") { Content = oversized };
        request.Headers.Add("Idempotency-Key", key);

        var response = await _catalog.Merchandiser.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var retry = await _catalog.Merchandiser.PostJsonAsync("api/products", TestCatalog.ProductBody(TestCatalog.Unique("Second Try Mug")), key);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        IsReplay(retry).ShouldBeFalse();
    }

    [Fact]
    public async Task An_image_above_the_json_limit_but_within_its_own_is_uploaded_once_with_an_idempotency_key()
    {
        var product = await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Big Picture Mug")));
        var image = ImageFiles.NoisyPng(400, 400);
        image.Length.ShouldBeGreaterThan(HttpRequestReading.MaximumJsonBytes, "the picture must be larger than a JSON body may be");
        var key = Guid.NewGuid().ToString();

        HttpRequestMessage Upload()
        {
            var content = new ByteArrayContent(image);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/products/{product.Id}/images") { Content = content };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var first = await _catalog.Merchandiser.SendAsync(Upload());
        var retry = await _catalog.Merchandiser.SendAsync(Upload());

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await first.JsonAsync()).ToString());
        retry.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        IsReplay(retry).ShouldBeTrue();
        (await retry.JsonAsync()).GetProperty("id").GetString().ShouldBe((await first.JsonAsync()).GetProperty("id").GetString());
    }

    /// <summary>
    /// POSTs a JSON-typed body of spaces, chunked (no Content-Length), over a raw connection: HttpClient gives up on the
    /// request when the server answers early and closes, so this writes and reads at once and stops writing as soon as
    /// the answer is in. Returns the status, the answer's text, and how many body bytes were written.
    /// </summary>
    private async Task<(int Status, string Answer, long Sent)> PostChunkedAsync(string path, string token, string idempotencyKey, long offered)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Shop.BaseAddress.Host, fixture.Shop.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {fixture.Shop.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\n"
            + $"Idempotency-Key: {idempotencyKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var answer = ReadAnswerAsync(stream);
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n" + new string(' ', 64 * 1024) + "\r\n");
        long sent = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!answer.IsCompleted && sent < offered)
        {
            try
            {
                // A write the server no longer reads waits here; the answer ends the wait.
                await stream.WriteAsync(chunk, deadline.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
                sent += 64 * 1024;
            }
            catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException)
            {
                break;
            }
        }
        var text = await answer.WaitAsync(TimeSpan.FromSeconds(30));
        var status = int.Parse(text.Split(' ', 3)[1], CultureInfo.InvariantCulture);
        return (status, text, sent);
    }

    // Reads the status line, the headers and a body of Content-Length bytes (or until the server closes).
    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        int? expected = null;
        while (true)
        {
            int read;
            try { read = await stream.ReadAsync(buffer); }
            catch (IOException) { break; }
            if (read == 0) break;
            received.AddRange(buffer.AsSpan(0, read).ToArray());
            var text = Encoding.UTF8.GetString(received.ToArray());
            var endOfHead = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (endOfHead < 0) continue;
            expected ??= text[..endOfHead].Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
            if (Encoding.UTF8.GetByteCount(text) - Encoding.UTF8.GetByteCount(text[..(endOfHead + 4)]) >= expected) break;
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }
}
