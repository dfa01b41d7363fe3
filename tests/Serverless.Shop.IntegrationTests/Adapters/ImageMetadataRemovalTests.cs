using Serverless.Shop.Infrastructure.Catalog;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Serverless.Shop.IntegrationTests.Adapters;

/// <summary>What <see cref="ImageSharpImageProcessor.WithoutMetadataAsync"/> keeps of a format, beside removing the metadata.</summary>
public sealed class ImageMetadataRemovalTests
{
    private readonly ImageSharpImageProcessor _processor = new();

    private async Task<Image> CleanAsync(byte[] file)
    {
        using var content = new MemoryStream(file);
        (await _processor.IdentifyAsync(content, CancellationToken.None)).ShouldNotBeNull("the test file must be an image the shop accepts");
        await using var cleaned = await _processor.WithoutMetadataAsync(content, CancellationToken.None);
        return await Image.LoadAsync(cleaned);
    }

    [Fact]
    public async Task An_animated_gif_keeps_its_frames_and_loses_its_comments()
    {
        using var gif = new Image<Rgba32>(40, 30, new Rgba32(255, 0, 0));
        gif.Frames.AddFrame(new Image<Rgba32>(40, 30, new Rgba32(0, 0, 255)).Frames.RootFrame);
        gif.Frames.AddFrame(new Image<Rgba32>(40, 30, new Rgba32(0, 255, 0)).Frames.RootFrame);
        gif.Metadata.GetGifMetadata().Comments.Add("Taken at 52.37 N 4.89 E by Jane");
        using var file = new MemoryStream();
        await gif.SaveAsGifAsync(file);

        using var cleaned = await CleanAsync(file.ToArray());

        cleaned.Frames.Count.ShouldBe(3);
        cleaned.Metadata.GetGifMetadata().Comments.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_lossless_webp_stays_lossless_and_loses_its_exif()
    {
        using var webp = new Image<Rgba32>(64, 48, new Rgba32(10, 200, 30));
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Artist, "Jane");
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        webp.Metadata.ExifProfile = exif;
        using var file = new MemoryStream();
        await webp.SaveAsWebpAsync(file, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });

        using var cleaned = await CleanAsync(file.ToArray());

        cleaned.Metadata.GetWebpMetadata().FileFormat.ShouldBe(WebpFileFormatType.Lossless);
        (cleaned.Metadata.ExifProfile?.Values.Count ?? 0).ShouldBe(0);
        using var pixels = cleaned.CloneAs<Rgba32>();
        pixels[10, 10].ShouldBe(new Rgba32(10, 200, 30));
    }

    [Fact]
    public async Task A_gif_that_would_decode_past_the_pixel_budget_keeps_only_the_frames_that_fit()
    {
        // 4000 x 4000 is 16 MP a frame: the 40 MP budget holds two of the three frames.
        using var gif = new Image<Rgba32>(4000, 4000);
        gif.Frames.AddFrame(new Image<Rgba32>(4000, 4000).Frames.RootFrame);
        gif.Frames.AddFrame(new Image<Rgba32>(4000, 4000).Frames.RootFrame);
        using var file = new MemoryStream();
        await gif.SaveAsGifAsync(file);

        using var cleaned = await CleanAsync(file.ToArray());

        cleaned.Frames.Count.ShouldBe((int)(ImageSharpImageProcessor.MaximumPixels / (4000L * 4000)));
    }
}
