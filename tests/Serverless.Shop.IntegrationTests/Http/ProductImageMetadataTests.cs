using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>
/// The stored original is public, so what a camera wrote into it (a GPS position, the photographer's name) is removed
/// on both ways in, and the picture is turned upright first so that nothing needs the orientation tag.
/// </summary>
[Collection(LocalShopCollection.Name)]
public sealed class ProductImageMetadataTests(LocalShopFixture fixture)
{
    private const string Photographer = "Jane Q. Photographer";
    private static readonly HttpClient Browser = new();
    private readonly TestCatalog _catalog = new(fixture);

    /// <summary>A 300 x 200 picture, stored on its side with EXIF orientation 6 (shown 200 x 300), carrying GPS, EXIF, XMP and IPTC.</summary>
    private static byte[] GeotaggedPhoto(IImageEncoder encoder, bool pngText = false)
    {
        using var image = new Image<Rgba32>(300, 200);
        for (var y = 0; y < 200; y++)
            for (var x = 0; x < 300; x++)
                image[x, y] = new Rgba32((byte)x, (byte)y, 120);
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(52, 1), new Rational(22, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(4, 1), new Rational(53, 1), new Rational(5678, 100)]);
        exif.SetValue(ExifTag.Artist, Photographer);
        exif.SetValue(ExifTag.Orientation, (ushort)6);
        image.Metadata.ExifProfile = exif;
        var iptc = new IptcProfile();
        iptc.SetValue(IptcTag.Byline, Photographer);
        image.Metadata.IptcProfile = iptc;
        image.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(
            $"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>{Photographer}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"));
        if (pngText) image.Metadata.GetPngMetadata().TextData.Add(new PngTextData("Author", Photographer, "", ""));
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    private static void ShouldCarryNoMetadata(byte[] file, string what)
    {
        using var image = Image.Load(file);
        var exif = image.Metadata.ExifProfile;
        (exif?.Values.Count ?? 0).ShouldBe(0, $"{what} still has EXIF: {string.Join(", ", exif?.Values.Select(v => v.Tag.ToString()) ?? [])}");
        image.Metadata.XmpProfile.ShouldBeNull($"{what} still has XMP");
        image.Metadata.IptcProfile.ShouldBeNull($"{what} still has IPTC");
        image.Metadata.GetPngMetadata().TextData.ShouldBeEmpty($"{what} still has PNG text");
        // Whatever the decoder does not model: the name is nowhere in the bytes, nor is the GPS IFD's tag (0x8825).
        Encoding.Latin1.GetString(file).ShouldNotContain(Photographer, customMessage: $"{what} still names the photographer");
    }

    private async Task<(string ProductId, string ImageId)> UploadDirectAsync(byte[] bytes, string contentType)
    {
        var productId = (await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Geotagged Mug")))).Id;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var response = await _catalog.Merchandiser.PostAsync($"api/products/{productId}/images", content);
        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body.ToString());
        return (productId, body.GetProperty("id").GetString()!);
    }

    private async Task<(string ProductId, string ImageId)> UploadThroughStorageAsync(byte[] bytes, string contentType)
    {
        var productId = (await _catalog.CreateProductAsync(TestCatalog.ProductBody(TestCatalog.Unique("Geotagged Mug")))).Id;
        var ticketResponse = await _catalog.Merchandiser.PostJsonAsync($"api/products/{productId}/images/uploads", new { contentType });
        var ticket = await ticketResponse.JsonAsync();
        ticketResponse.StatusCode.ShouldBe(HttpStatusCode.Created, ticket.ToString());
        var put = new HttpRequestMessage(HttpMethod.Put, ticket.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        (await Browser.SendAsync(put)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var imageId = ticket.GetProperty("imageId").GetString()!;
        var completed = await _catalog.Merchandiser.PostAsync($"api/products/{productId}/images/uploads/{imageId}/complete", null);
        completed.StatusCode.ShouldBe(HttpStatusCode.Accepted, (await completed.JsonAsync()).ToString());
        return (productId, imageId);
    }

    private async Task<JsonElement> ReadyImageAsync(string productId, string imageId)
    {
        var image = await HttpTestExtensions.EventuallyAsync(async () =>
            {
                var product = await (await _catalog.Merchandiser.GetAsync($"api/products/{productId}")).JsonAsync();
                return product.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("id").GetString() == imageId);
            }, i => i.GetProperty("status").GetString() == "ready", TimeSpan.FromSeconds(20));
        image.GetProperty("status").GetString().ShouldBe("ready", image.ToString());
        return image;
    }

    // Read from Azurite with the Blob SDK: the blob as stored, not what a CDN or a browser cache would serve.
    private async Task<byte[]> StoredBlobAsync(string publicUrl)
    {
        const string container = "product-images";
        var name = Uri.UnescapeDataString(publicUrl[(publicUrl.IndexOf($"/{container}/", StringComparison.Ordinal) + container.Length + 2)..]);
        var blob = new BlobContainerClient(fixture.Shop.Stack.StorageConnectionString, container).GetBlobClient(name);
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }

    public static TheoryData<string, string, bool> Uploads => new()
    {
        { "image/jpeg", "direct", false },
        { "image/jpeg", "upload url", false },
        { "image/png", "direct", true },
        { "image/png", "upload url", true },
    };

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task A_geotagged_photo_is_stored_upright_with_no_metadata_and_so_are_its_renditions(string contentType, string path, bool pngText)
    {
        var photo = GeotaggedPhoto(contentType == "image/png" ? new PngEncoder() : new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder(), pngText);
        using (var sent = Image.Load(photo))
        {
            // The premise: the file sent really carries what must not be published.
            sent.Metadata.ExifProfile!.GetValue(ExifTag.GPSLatitude).ShouldNotBeNull();
            sent.Metadata.ExifProfile.GetValue(ExifTag.Orientation)!.Value.ShouldBe((ushort)6);
            Encoding.Latin1.GetString(photo).ShouldContain(Photographer);
        }

        var (productId, imageId) = path == "direct" ? await UploadDirectAsync(photo, contentType) : await UploadThroughStorageAsync(photo, contentType);
        var image = await ReadyImageAsync(productId, imageId);

        var original = await StoredBlobAsync(image.GetProperty("originalUrl").GetString()!);
        ShouldCarryNoMetadata(original, $"the stored original ({contentType}, {path})");
        // Turned upright, in its own format: shown as the camera meant, with no tag left to say how.
        ImageFiles.Decode(original).ShouldBe((contentType, 200, 300));
        foreach (var rendition in image.GetProperty("renditions").EnumerateArray())
            ShouldCarryNoMetadata(await StoredBlobAsync(rendition.GetProperty("url").GetString()!), $"the {rendition.GetProperty("name").GetString()} rendition");
    }
}
