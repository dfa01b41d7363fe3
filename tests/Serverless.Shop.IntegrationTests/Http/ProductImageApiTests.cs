using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Shop.Domain.Administration;

using static Serverless.Shop.IntegrationTests.ProblemAssertions;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Product images: uploads through the API and straight to storage, the web renditions, and removal of every file.</summary>
[Collection(LocalShopCollection.Name)]
public sealed class ProductImageApiTests(LocalShopFixture fixture)
{
    private static readonly TimeSpan ProcessingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Public image URLs point at the blob service, which a browser reads without any token.</summary>
    private static readonly HttpClient Browser = new();

    private readonly TestCatalog _catalog = new(fixture);

    private async Task<string> CreateProductAsync() =>
        (await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Pictured Mug")))).Id;

    private Task<HttpResponseMessage> UploadAsync(string productId, byte[] bytes, string contentType, HttpClient? client = null, string? altText = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var url = $"api/products/{productId}/images" + (altText is null ? "" : $"?altText={Uri.EscapeDataString(altText)}");
        return (client ?? _catalog.Merchandiser).PostAsync(url, content);
    }

    private async Task<string> UploadOkAsync(string productId, byte[] bytes, string contentType)
    {
        var response = await UploadAsync(productId, bytes, contentType);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<List<JsonElement>> ImagesAsync(string productId)
    {
        var response = await _catalog.Merchandiser.GetAsync($"api/products/{productId}");
        var product = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, product.ToString());
        return product.GetProperty("images").EnumerateArray().ToList();
    }

    private async Task<JsonElement> ReadyImageAsync(string productId, string imageId)
    {
        var images = await HttpTestExtensions.EventuallyAsync(() => ImagesAsync(productId),
            all => all.Any(i => i.GetProperty("id").GetString() == imageId && i.GetProperty("status").GetString() == "ready"), ProcessingTimeout);
        var image = images.Single(i => i.GetProperty("id").GetString() == imageId);
        image.GetProperty("status").GetString().ShouldBe("ready", $"not processed within {ProcessingTimeout.TotalSeconds} s: {image}");
        return image;
    }

    /// <summary>Every file of an image a browser can reach: the original and each rendition.</summary>
    private static List<string> PublicUrls(JsonElement image) =>
        [image.GetProperty("originalUrl").GetString()!, .. image.GetProperty("renditions").EnumerateArray().Select(r => r.GetProperty("url").GetString()!)];

    private static async Task<HttpStatusCode> FetchStatusAsync(string url)
    {
        using var response = await Browser.GetAsync(url);
        return response.StatusCode;
    }

    private async Task<JsonElement> CreateUploadTicketAsync(string productId, string contentType = "image/png")
    {
        var response = await _catalog.Merchandiser.PostJsonAsync($"api/products/{productId}/images/uploads", new { contentType });
        var ticket = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, ticket.ToString());
        return ticket;
    }

    private static async Task<HttpResponseMessage> PutToStorageAsync(JsonElement ticket, byte[] bytes, string contentType = "image/png")
    {
        var request = new HttpRequestMessage(HttpMethod.Put, ticket.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return await Browser.SendAsync(request);
    }

    /// <param name="chunked">Send the body as a stream (Transfer-Encoding: chunked, no Content-Length), as HttpClient's JsonContent and browsers' streams do.</param>
    private Task<HttpResponseMessage> CompleteAsync(string productId, string imageId, string? altText = null, bool chunked = false)
    {
        HttpContent? body = altText is null ? null
            : chunked ? JsonContent.Create(new { altText })
            : new StringContent(JsonSerializer.Serialize(new { altText }), Encoding.UTF8, "application/json");
        return _catalog.Merchandiser.PostAsync($"api/products/{productId}/images/uploads/{imageId}/complete", body);
    }

    [Fact]
    public async Task An_uploaded_png_becomes_ready_with_webp_renditions_no_wider_than_the_original()
    {
        var productId = await CreateProductAsync();

        var response = await UploadAsync(productId, ImageFiles.Png(800, 600), "image/png", altText: "A mug on a table");
        var accepted = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, accepted.ToString());
        accepted.GetProperty("status").GetString().ShouldBe("processing");
        accepted.GetProperty("contentType").GetString().ShouldBe("image/png");
        var imageId = accepted.GetProperty("id").GetString()!;

        var image = await ReadyImageAsync(productId, imageId);
        image.GetProperty("altText").GetString().ShouldBe("A mug on a table");
        var renditions = image.GetProperty("renditions").EnumerateArray().ToList();
        renditions.Select(r => r.GetProperty("name").GetString()).ShouldBe(["thumbnail", "medium", "large"]);
        renditions.Select(r => (r.GetProperty("width").GetInt32(), r.GetProperty("height").GetInt32())).ShouldBe([(200, 150), (600, 450), (800, 600)]);

        foreach (var rendition in renditions)
        {
            rendition.GetProperty("contentType").GetString().ShouldBe("image/webp");
            using var file = await Browser.GetAsync(rendition.GetProperty("url").GetString());
            file.StatusCode.ShouldBe(HttpStatusCode.OK);
            file.Content.Headers.ContentType!.MediaType.ShouldBe("image/webp");
            var decoded = ImageFiles.Decode(await file.Content.ReadAsByteArrayAsync());
            decoded.ShouldBe(("image/webp", rendition.GetProperty("width").GetInt32(), rendition.GetProperty("height").GetInt32()));
        }

        using var original = await Browser.GetAsync(image.GetProperty("originalUrl").GetString());
        original.StatusCode.ShouldBe(HttpStatusCode.OK);
        ImageFiles.Decode(await original.Content.ReadAsByteArrayAsync()).ShouldBe(("image/png", 800, 600));
    }

    [Theory]
    [InlineData("text sent as image/png", HttpStatusCode.BadRequest, "file")]
    [InlineData("jpeg sent as image/png", HttpStatusCode.BadRequest, "file")]
    [InlineData("pdf", HttpStatusCode.UnsupportedMediaType, "Content-Type")]
    [InlineData("11 MB", HttpStatusCode.RequestEntityTooLarge, null)]
    public async Task Files_that_are_not_acceptable_images_are_refused_and_not_added(string kind, HttpStatusCode status, string? field)
    {
        var productId = await CreateProductAsync();
        var (bytes, contentType) = kind switch
        {
            "text sent as image/png" => (ImageFiles.Text, "image/png"),
            "jpeg sent as image/png" => (ImageFiles.Jpeg(64, 48), "image/png"),
            "pdf" => (ImageFiles.Pdf, "application/pdf"),
            _ => (new byte[11 * 1024 * 1024], "image/png"),
        };

        await ShouldBeProblem(await UploadAsync(productId, bytes, contentType), status, field);
        (await ImagesAsync(productId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_image_put_straight_into_storage_with_an_upload_url_is_added_once_completed()
    {
        var productId = await CreateProductAsync();
        var ticket = await CreateUploadTicketAsync(productId);
        var imageId = ticket.GetProperty("imageId").GetString()!;

        (await PutToStorageAsync(ticket, ImageFiles.Png(320, 240))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var completed = await CompleteAsync(productId, imageId, altText: "Seen from above");
        var image = await completed.JsonAsync();
        completed.StatusCode.ShouldBe(HttpStatusCode.Accepted, image.ToString());
        image.GetProperty("id").GetString().ShouldBe(imageId);

        var ready = await ReadyImageAsync(productId, imageId);
        ready.GetProperty("altText").GetString().ShouldBe("Seen from above");
        ready.GetProperty("contentType").GetString().ShouldBe("image/png");
        // Completing again finds nothing to complete: the upload moved into the product's images.
        await ShouldBeProblem(await CompleteAsync(productId, imageId), HttpStatusCode.NotFound);
        (await ImagesAsync(productId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_alt_text_sent_when_completing_an_upload_is_kept_when_the_body_is_chunked()
    {
        var productId = await CreateProductAsync();
        var ticket = await CreateUploadTicketAsync(productId);
        var imageId = ticket.GetProperty("imageId").GetString()!;
        (await PutToStorageAsync(ticket, ImageFiles.Png(120, 90))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var completed = await CompleteAsync(productId, imageId, altText: "Sent in chunks", chunked: true);

        var image = await completed.JsonAsync();
        completed.StatusCode.ShouldBe(HttpStatusCode.Accepted, image.ToString());
        image.TryGetProperty("altText", out var altText).ShouldBeTrue($"the alt text was dropped: {image}");
        altText.GetString().ShouldBe("Sent in chunks");
        (await ImagesAsync(productId)).Single().GetProperty("altText").GetString().ShouldBe("Sent in chunks");
    }

    [Fact]
    public async Task Images_uploaded_at_once_to_one_product_are_all_accepted_and_all_added()
    {
        // A merchandiser drops a folder of photos on the admin page, which uploads them in parallel, while shoppers browse.
        var productId = await CreateProductAsync();
        var files = Enumerable.Range(0, 19).Select(i => ImageFiles.Png(120 + i, 90)).ToList();

        HttpResponseMessage[] responses;
        using (new Shoppers(_catalog.Anonymous, $"api/products/{productId}", count: 50))
            responses = await Task.WhenAll(files.Select(file => UploadAsync(productId, file, "image/png")));

        var bodies = await Task.WhenAll(responses.Select(r => r.JsonAsync()));
        responses.Zip(bodies).Where(r => r.First.StatusCode != HttpStatusCode.Accepted).Select(r => $"{(int)r.First.StatusCode} {r.Second}")
            .ShouldBeEmpty("uploads refused");
        (await ImagesAsync(productId)).Select(i => i.GetProperty("id").GetString())
            .ShouldBe(bodies.Select(b => b.GetProperty("id").GetString()), ignoreOrder: true);
    }

    [Fact]
    public async Task Images_uploaded_while_shoppers_browse_the_product_all_become_ready()
    {
        // Busy storefront reads slow each Cosmos DB call down: the window in which an image's processing message can be
        // handled before the product lists the image. The processing must not be lost however it is timed.
        var productId = await CreateProductAsync();
        var ids = new List<string>();
        using (new Shoppers(_catalog.Anonymous, $"api/products/{productId}", count: 100))
            for (var i = 0; i < 16; i++) ids.Add(await UploadOkAsync(productId, ImageFiles.Png(100 + i, 80), "image/png"));

        var images = await HttpTestExtensions.EventuallyAsync(() => ImagesAsync(productId),
            all => all.All(i => i.GetProperty("status").GetString() == "ready"), ProcessingTimeout);
        images.Select(i => i.GetProperty("id").GetString()).ShouldBe(ids, ignoreOrder: true);
        images.Where(i => i.GetProperty("status").GetString() != "ready").Select(i => i.GetProperty("id").GetString())
            .ShouldBeEmpty($"still processing after {ProcessingTimeout.TotalSeconds} s");
    }

    [Fact]
    public async Task Completing_an_upload_that_never_happened_is_a_404()
    {
        var productId = await CreateProductAsync();
        await ShouldBeProblem(await CompleteAsync(productId, "img_neveruploaded"), HttpStatusCode.NotFound);

        var ticket = await CreateUploadTicketAsync(productId); // a URL was issued, but nothing was put to it
        await ShouldBeProblem(await CompleteAsync(productId, ticket.GetProperty("imageId").GetString()!), HttpStatusCode.NotFound);
        (await ImagesAsync(productId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_file_put_through_an_upload_url_that_is_not_an_image_is_refused_and_removed()
    {
        var productId = await CreateProductAsync();
        var ticket = await CreateUploadTicketAsync(productId);
        var imageId = ticket.GetProperty("imageId").GetString()!;
        (await PutToStorageAsync(ticket, ImageFiles.Text)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await ShouldBeProblem(await CompleteAsync(productId, imageId), HttpStatusCode.BadRequest, "file");

        (await ImagesAsync(productId)).ShouldBeEmpty();
        await ShouldBeProblem(await CompleteAsync(productId, imageId), HttpStatusCode.NotFound); // the upload is gone
    }

    [Fact]
    public async Task Deleting_an_image_removes_it_from_the_product_and_every_file_from_storage()
    {
        var productId = await CreateProductAsync();
        var kept = await UploadOkAsync(productId, ImageFiles.Png(300, 200), "image/png");
        var deleted = await UploadOkAsync(productId, ImageFiles.Jpeg(300, 200), "image/jpeg");
        var keptUrls = PublicUrls(await ReadyImageAsync(productId, kept));
        var deletedUrls = PublicUrls(await ReadyImageAsync(productId, deleted));
        deletedUrls.Count.ShouldBe(4);
        foreach (var url in deletedUrls) (await FetchStatusAsync(url)).ShouldBe(HttpStatusCode.OK, url);

        (await _catalog.Merchandiser.DeleteAsync($"api/products/{productId}/images/{deleted}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await ImagesAsync(productId)).Select(i => i.GetProperty("id").GetString()).ShouldBe([kept]);
        foreach (var url in deletedUrls) (await FetchStatusAsync(url)).ShouldBe(HttpStatusCode.NotFound, url);
        foreach (var url in keptUrls) (await FetchStatusAsync(url)).ShouldBe(HttpStatusCode.OK, url);
        await ShouldBeProblem(await _catalog.Merchandiser.DeleteAsync($"api/products/{productId}/images/{deleted}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_images_while_they_are_being_processed_leaves_no_files_behind()
    {
        var productId = await CreateProductAsync();
        var photo = ImageFiles.Png(2400, 1600);
        var originals = new List<string>();
        // Each image is deleted a little later after its upload than the one before, so some deletions land while
        // their image is being rendered, whatever the machine's speed.
        for (var delay = 0; delay <= 1200; delay += 100)
        {
            var response = await UploadAsync(productId, photo, "image/png");
            var image = await response.JsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, image.ToString());
            originals.Add(image.GetProperty("originalUrl").GetString()!);
            await Task.Delay(delay);
            (await _catalog.Merchandiser.DeleteAsync($"api/products/{productId}/images/{image.GetProperty("id").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
        await Task.Delay(TimeSpan.FromSeconds(3)); // lets any rendering still under way finish

        (await ImagesAsync(productId)).ShouldBeEmpty();
        // Renditions sit beside the original as {name}.webp (BlobProductImageStorage); none may outlive its image.
        var files = originals.SelectMany(original => new[] { "original.png", "thumbnail.webp", "medium.webp", "large.webp" }
            .Select(name => original[..(original.LastIndexOf('/') + 1)] + name)).ToList();
        var left = new List<string>();
        foreach (var url in files) if (await FetchStatusAsync(url) != HttpStatusCode.NotFound) left.Add(url);
        left.ShouldBeEmpty("files of deleted images are still public");
    }

    [Fact]
    public async Task Deleting_a_product_removes_all_its_image_files()
    {
        var productId = await CreateProductAsync();
        var first = await UploadOkAsync(productId, ImageFiles.Png(300, 200), "image/png");
        var second = await UploadOkAsync(productId, ImageFiles.Png(200, 300), "image/png");
        List<string> urls = [.. PublicUrls(await ReadyImageAsync(productId, first)), .. PublicUrls(await ReadyImageAsync(productId, second))];
        foreach (var url in urls) (await FetchStatusAsync(url)).ShouldBe(HttpStatusCode.OK, url);

        var current = await _catalog.Merchandiser.GetAsync($"api/products/{productId}");
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"api/products/{productId}");
        delete.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        (await _catalog.Merchandiser.SendAsync(delete)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        foreach (var url in urls) (await FetchStatusAsync(url)).ShouldBe(HttpStatusCode.NotFound, url);
    }

    [Fact]
    public async Task Only_merchandisers_and_admins_add_or_remove_images()
    {
        var productId = await CreateProductAsync();
        var imageId = await UploadOkAsync(productId, ImageFiles.Png(100, 100), "image/png");
        var customer = fixture.Client(ShopRoles.Customer);

        await ShouldBeProblem(await UploadAsync(productId, ImageFiles.Png(100, 100), "image/png", customer), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await UploadAsync(productId, ImageFiles.Png(100, 100), "image/png", fixture.Client()), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await customer.PostJsonAsync($"api/products/{productId}/images/uploads", new { contentType = "image/png" }), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.PostAsync($"api/products/{productId}/images/uploads/{imageId}/complete", null), HttpStatusCode.Forbidden);
        await ShouldBeProblem(await customer.DeleteAsync($"api/products/{productId}/images/{imageId}"), HttpStatusCode.Forbidden);

        (await ImagesAsync(productId)).Select(i => i.GetProperty("id").GetString()).ShouldBe([imageId]);
    }

    /// <summary>Storefront traffic on a page while a test does something else: keeps the Cosmos DB emulator busy.</summary>
    private sealed class Shoppers : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _browsing;

        public Shoppers(HttpClient client, string url, int count) =>
            _browsing = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                    using (await client.GetAsync(url)) { }
            })).ToArray();

        public void Dispose()
        {
            _stop.Cancel();
            Task.WaitAll(_browsing);
            _stop.Dispose();
        }
    }
}
