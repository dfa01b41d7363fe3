using System.IO.Compression;
using System.Text;
using Serverless.Shop.Infrastructure.Catalog;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Serverless.Shop.IntegrationTests.Adapters;

public sealed class ImageSharpImageProcessorTests
{
    private readonly ImageSharpImageProcessor processor = new();

    public static TheoryData<string, string> RealImages => new()
    {
        { "png", "image/png" },
        { "jpeg", "image/jpeg" },
        { "webp", "image/webp" },
        { "gif", "image/gif" },
    };

    [Theory]
    [MemberData(nameof(RealImages))]
    public async Task Identifies_a_real_image_with_its_type_and_size(string format, string expectedType)
    {
        using var content = TestImages.Create(format, 320, 240);

        var facts = await processor.IdentifyAsync(content, CancellationToken.None);

        facts.ShouldNotBeNull();
        facts.ContentType.ShouldBe(expectedType);
        facts.Width.ShouldBe(320);
        facts.Height.ShouldBe(240);
    }

    [Fact]
    public async Task Restores_the_stream_position_after_identifying()
    {
        using var content = TestImages.Create("png", 64, 48);
        content.Position = 0;

        await processor.IdentifyAsync(content, CancellationToken.None);

        content.Position.ShouldBe(0);
    }

    [Fact]
    public async Task Rejects_a_text_file_renamed_png()
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("This is not a picture, whatever its name says.\n"));

        (await processor.IdentifyAsync(content, CancellationToken.None)).ShouldBeNull();
        content.Position.ShouldBe(0);
    }

    [Fact]
    public async Task Rejects_an_empty_stream()
    {
        using var content = new MemoryStream();

        (await processor.IdentifyAsync(content, CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    [InlineData("gif")]
    [InlineData("webp")]
    public async Task Rejects_a_truncated_image(string format)
    {
        // Cut in the middle of the pixel data: the header is intact and the decoders would fill in the rest.
        var whole = TestImages.Create(format, 200, 200, noise: true).ToArray();
        using var content = new MemoryStream(whole[..(whole.Length / 2)]);

        (await processor.IdentifyAsync(content, CancellationToken.None)).ShouldBeNull();
        content.Position.ShouldBe(0);
    }

    [Fact]
    public async Task Rejects_a_png_signature_followed_by_garbage()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        byte[] pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        using var content = new MemoryStream([.. pngSignature, .. garbage]);

        (await processor.IdentifyAsync(content, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Rejects_a_format_the_shop_does_not_accept()
    {
        using var content = new MemoryStream();
        using (var image = new Image<Rgba32>(32, 32)) image.SaveAsBmp(content);
        content.Position = 0;

        (await processor.IdentifyAsync(content, CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData(12_001, 10)]   // a side too long, though only 120 thousand pixels
    [InlineData(7_000, 6_000)] // 42 megapixels, each side fine
    public async Task Rejects_a_decompression_bomb_from_its_header(int width, int height)
    {
        // A complete, valid PNG of one grey: tens of kilobytes that would decode to far more pixels than a product photo needs.
        using var content = TestImages.PngOfOneGrey(width, height);
        content.Length.ShouldBeLessThan(100_000);

        (await processor.IdentifyAsync(content, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Reports_the_upright_size_of_a_photo_turned_by_exif()
    {
        using var content = TestImages.JpegWithOrientation(300, 100, orientation: 6);

        var facts = await processor.IdentifyAsync(content, CancellationToken.None);

        facts!.Width.ShouldBe(100);
        facts.Height.ShouldBe(300);
    }

    [Fact]
    public async Task Renders_webp_renditions_at_the_storefront_widths_keeping_the_aspect_ratio()
    {
        using var content = TestImages.Create("jpeg", 2400, 1600);

        var renditions = await processor.RenderAsync(content, CancellationToken.None);

        renditions.Select(r => (r.Name, r.Width, r.Height)).ShouldBe([("thumbnail", 200, 133), ("medium", 600, 400), ("large", 1200, 800)]);
        foreach (var r in renditions)
        {
            r.ContentType.ShouldBe("image/webp");
            var (info, format) = Identify(r.Content);
            format.ShouldBe(WebpFormat.Instance);
            (info.Width, info.Height).ShouldBe((r.Width, r.Height));
        }
    }

    [Fact]
    public async Task Never_upscales_a_small_original()
    {
        using var content = TestImages.Create("png", 450, 300);

        var renditions = await processor.RenderAsync(content, CancellationToken.None);

        renditions.Select(r => (r.Name, r.Width, r.Height)).ShouldBe([("thumbnail", 200, 133), ("medium", 450, 300), ("large", 450, 300)]);
        Identify(renditions[2].Content).Info.Width.ShouldBe(450);
    }

    [Fact]
    public async Task Applies_the_exif_orientation_and_strips_the_metadata()
    {
        // Stored landscape, left half red and right half blue; orientation 6 means "turn 90 degrees clockwise to view".
        using var content = TestImages.JpegWithOrientation(300, 100, orientation: 6);

        var renditions = await processor.RenderAsync(content, CancellationToken.None);

        var large = renditions.Single(r => r.Name == "large");
        (large.Width, large.Height).ShouldBe((100, 300));
        using var decoded = Image.Load<Rgba32>(large.Content.Span);
        decoded.Metadata.ExifProfile.ShouldBeNull();
        // Turned clockwise, the stored left half (red) is now the top.
        var top = decoded[50, 20];
        var bottom = decoded[50, 280];
        ((int)top.R).ShouldBeGreaterThan(top.B + 100);
        ((int)bottom.B).ShouldBeGreaterThan(bottom.R + 100);
    }

    [Fact]
    public async Task Refuses_to_render_something_that_is_not_an_image()
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("not an image"));

        await Should.ThrowAsync<InvalidOperationException>(() => processor.RenderAsync(content, CancellationToken.None));
    }

    private static (IImageInfo Info, IImageFormat Format) Identify(ReadOnlyMemory<byte> bytes)
    {
        var info = Image.Identify(bytes.ToArray(), out var format);
        return (info, format);
    }
}

/// <summary>Real images, encoded by ImageSharp in the test, so nothing binary is checked in.</summary>
internal static class TestImages
{
    public static MemoryStream Create(string format, int width, int height, bool noise = false)
    {
        using var image = new Image<Rgba32>(width, height);
        var random = new Random(42);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    row[x] = noise
                        ? new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))
                        : new Rgba32((byte)(x * 255 / width), (byte)(y * 255 / height), 128);
            }
        });
        return Encode(image, format);
    }

    public static MemoryStream JpegWithOrientation(int width, int height, ushort orientation)
    {
        using var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    row[x] = x < width / 2 ? new Rgba32(255, 0, 0) : new Rgba32(0, 0, 255);
            }
        });
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        image.Metadata.ExifProfile.SetValue(ExifTag.Model, "Test camera");
        return Encode(image, "jpeg");
    }

    /// <summary>An 8-bit greyscale PNG written chunk by chunk, its rows streamed through the compressor, so even a huge one costs little to make.</summary>
    public static MemoryStream PngOfOneGrey(int width, int height)
    {
        var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(stream, "IHDR", [.. BigEndian(width), .. BigEndian(height), 8, 0, 0, 0, 0]); // 8-bit grey, deflate, no interlace

        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1]; // filter type 0, then one byte a pixel
            Array.Fill(row, (byte)128, 1, width);
            for (var y = 0; y < height; y++) zlib.Write(row);
        }
        WriteChunk(stream, "IDAT", pixels.ToArray());
        WriteChunk(stream, "IEND", []);
        stream.Position = 0;
        return stream;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(BigEndian(data.Length));
        stream.Write(typeAndData);
        stream.Write(BigEndian((int)Crc32(typeAndData)));
    }

    private static MemoryStream Encode(Image image, string format)
    {
        var stream = new MemoryStream();
        IImageEncoder encoder = format switch
        {
            "png" => new PngEncoder(),
            "jpeg" => new JpegEncoder { Quality = 90 },
            "webp" => new WebpEncoder(),
            "gif" => new GifEncoder(),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        image.Save(stream, encoder);
        stream.Position = 0;
        return stream;
    }

    private static byte[] BigEndian(int value) =>
        [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
