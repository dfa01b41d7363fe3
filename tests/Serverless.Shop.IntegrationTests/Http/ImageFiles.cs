using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;

namespace Serverless.Shop.IntegrationTests.Http;

/// <summary>Files for the image tests, made in memory: real pictures, and files that only claim to be pictures.</summary>
public static class ImageFiles
{
    public static byte[] Png(int width, int height) => Picture(width, height, (image, stream) => image.SaveAsPng(stream));

    public static byte[] Jpeg(int width, int height) => Picture(width, height, (image, stream) => image.SaveAsJpeg(stream));

    /// <summary>A PNG of random pixels, which compresses badly: a large file from a small picture.</summary>
    public static byte[] NoisyPng(int width, int height)
    {
        var random = new Random(width * 31 + height);
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static byte[] Text { get; } = Encoding.UTF8.GetBytes("This is a shopping list, not a picture.\nMilk\nEggs\n");

    public static byte[] Pdf { get; } = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>What the bytes really are, read by decoding them (not from a header or a file name).</summary>
    public static (string ContentType, int Width, int Height) Decode(byte[] bytes)
    {
        using var image = Image.Load(bytes, out IImageFormat format);
        return (format.DefaultMimeType, image.Width, image.Height);
    }

    // A gradient rather than a flat colour, so the encoders and the resampler have real pixels to work on.
    private static byte[] Picture(int width, int height, Action<Image, Stream> save)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgba32((byte)(255 * x / width), (byte)(255 * y / height), 160);
        using var stream = new MemoryStream();
        save(image, stream);
        return stream.ToArray();
    }
}
