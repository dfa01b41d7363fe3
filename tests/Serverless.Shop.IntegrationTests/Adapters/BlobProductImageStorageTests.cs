using System.Net;
using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Infrastructure.Catalog;

namespace Serverless.Shop.IntegrationTests.Adapters;

[Collection(AzuriteCollection.Name)]
public sealed class BlobProductImageStorageTests(AzuriteFixture azurite) : IDisposable
{
    private readonly HttpClient http = new(); // anonymous, like a browser or the CDN
    private readonly string productId = Ids.New("prod");

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task Saves_an_original_that_anyone_can_fetch_at_its_public_url_with_its_content_type()
    {
        var storage = Storage();
        var imageId = Ids.New("img");
        var bytes = TestImages.Create("png", 40, 30).ToArray();

        var url = await storage.SaveOriginalAsync(productId, imageId, new MemoryStream(bytes), "image/png", CancellationToken.None);

        url.ShouldBe($"{PublicBaseUrl}/{productId}/{imageId}/original.png");
        using var response = await http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Headers.CacheControl!.ToString().ShouldBe(BlobProductImageStorage.OriginalCacheControl);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
    }

    [Fact]
    public async Task Saves_a_rendition_as_webp_under_its_name_with_a_shorter_cache_lifetime()
    {
        var storage = Storage();
        var imageId = Ids.New("img");
        byte[] bytes = [1, 2, 3, 4];

        var url = await storage.SaveRenditionAsync(productId, imageId, "thumbnail", bytes, "image/webp", CancellationToken.None);

        url.ShouldBe($"{PublicBaseUrl}/{productId}/{imageId}/thumbnail.webp");
        using var response = await http.GetAsync(url);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/webp");
        response.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromDays(1));
        response.Headers.CacheControl.Extensions.ShouldNotContain(e => e.Name == "immutable");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
    }

    [Fact]
    public async Task Opens_the_original_it_saved_whatever_its_format()
    {
        var storage = Storage();
        var imageId = Ids.New("img");
        var bytes = TestImages.Create("jpeg", 40, 30).ToArray();
        await storage.SaveOriginalAsync(productId, imageId, new MemoryStream(bytes), "image/jpeg", CancellationToken.None);

        await using var original = await storage.OpenOriginalAsync(productId, imageId, CancellationToken.None);

        (await ReadAllAsync(original)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Accepts_a_put_to_the_upload_url_and_opens_the_upload_with_its_length()
    {
        var storage = Storage();
        var imageId = Ids.New("img");
        var bytes = TestImages.Create("jpeg", 64, 48).ToArray();
        var url = await storage.CreateUploadUrlAsync(productId, imageId, "image/jpeg", DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None);

        using var put = await PutAsync(url, bytes, "image/jpeg");
        put.StatusCode.ShouldBe(HttpStatusCode.Created);

        await using var upload = await storage.OpenUploadAsync(productId, imageId, CancellationToken.None);
        upload.ShouldNotBeNull();
        upload.Length.ShouldBe(bytes.Length);
        upload.ContentType.ShouldBe("image/jpeg");
        (await ReadAllAsync(upload.Content)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Gives_an_upload_url_that_can_write_but_not_read()
    {
        var storage = Storage();
        var imageId = Ids.New("img");
        var url = await storage.CreateUploadUrlAsync(productId, imageId, "image/png", DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None);
        using (var put = await PutAsync(url, [1, 2, 3], "image/png")) put.StatusCode.ShouldBe(HttpStatusCode.Created);

        System.Web.HttpUtility.ParseQueryString(url.Query)["sp"].ShouldBe("cw");
        using var get = await http.GetAsync(url);
        get.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Refuses_a_put_to_an_expired_upload_url()
    {
        var storage = Storage();
        var imageId = Ids.New("img");
        var url = await storage.CreateUploadUrlAsync(productId, imageId, "image/png", DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);

        using var put = await PutAsync(url, [1, 2, 3], "image/png");

        put.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await storage.OpenUploadAsync(productId, imageId, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Finds_no_upload_when_nothing_was_put()
    {
        (await Storage().OpenUploadAsync(productId, Ids.New("img"), CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Deletes_everything_under_the_product_and_nothing_of_another()
    {
        var storage = Storage();
        var neighbour = productId + "x"; // shares the prefix without the slash: must survive
        var urls = new List<string>();
        foreach (var product in new[] { productId, neighbour })
        {
            var imageId = Ids.New("img");
            urls.Add(await storage.SaveOriginalAsync(product, imageId, new MemoryStream([1]), "image/gif", CancellationToken.None));
            urls.Add(await storage.SaveRenditionAsync(product, imageId, "medium", new byte[] { 2 }, "image/webp", CancellationToken.None));
            var uploadUrl = await storage.CreateUploadUrlAsync(product, Ids.New("img"), "image/png", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);
            using var put = await PutAsync(uploadUrl, [3], "image/png");
        }

        await storage.DeleteAllAsync(productId, CancellationToken.None);

        (await BlobNamesAsync(BlobProductImageStorage.ImagesContainerName, productId + "/")).ShouldBeEmpty();
        (await BlobNamesAsync(BlobProductImageStorage.UploadsContainerName, productId + "/")).ShouldBeEmpty();
        (await BlobNamesAsync(BlobProductImageStorage.ImagesContainerName, neighbour + "/")).Count.ShouldBe(2);
        (await BlobNamesAsync(BlobProductImageStorage.UploadsContainerName, neighbour + "/")).Count.ShouldBe(1);
        using var gone = await http.GetAsync(urls[0]);
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deletes_one_image_with_its_renditions_and_keeps_the_others()
    {
        var storage = Storage();
        var (deleted, kept) = (Ids.New("img"), Ids.New("img"));
        foreach (var imageId in new[] { deleted, kept })
        {
            await storage.SaveOriginalAsync(productId, imageId, new MemoryStream([1]), "image/png", CancellationToken.None);
            await storage.SaveRenditionAsync(productId, imageId, "large", new byte[] { 2 }, "image/webp", CancellationToken.None);
        }

        await storage.DeleteImageAsync(productId, deleted, CancellationToken.None);

        (await BlobNamesAsync(BlobProductImageStorage.ImagesContainerName, productId + "/"))
            .ShouldBe([$"{productId}/{kept}/large.webp", $"{productId}/{kept}/original.png"], ignoreOrder: true);
    }

    private string PublicBaseUrl => $"{azurite.BlobEndpoint}/{BlobProductImageStorage.ImagesContainerName}";

    private BlobProductImageStorage Storage() => new(
        new BlobServiceClient(azurite.ConnectionString),
        new MediaOptions { ConnectionString = azurite.ConnectionString, PublicBaseUrl = PublicBaseUrl },
        TimeProvider.System,
        createContainersIfMissing: true);

    // What a browser does with the upload URL.
    private async Task<HttpResponseMessage> PutAsync(Uri url, byte[] bytes, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return await http.SendAsync(request);
    }

    private async Task<List<string>> BlobNamesAsync(string container, string prefix)
    {
        var names = new List<string>();
        var client = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(container);
        await foreach (var blob in client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix })) names.Add(blob.Name);
        return names;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
