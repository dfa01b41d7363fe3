using Serverless.Shop.Domain.Catalog;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

/// <summary>
/// Stands in for the image decoder. Files are "identified" by their first bytes, as real formats are by their magic
/// numbers: see <see cref="Png"/>, <see cref="Jpeg"/> and <see cref="NotAnImage"/>.
/// </summary>
internal sealed class FakeImageProcessor : IImageProcessor
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF, 0xE0];

    public int Renders;

    public static byte[] Png(int length = 2048) => WithSignature(PngSignature, length);
    public static byte[] Jpeg(int length = 2048) => WithSignature(JpegSignature, length);
    public static byte[] NotAnImage() => "<html><script>alert(1)</script></html>"u8.ToArray();

    public async Task<ImageFacts?> IdentifyAsync(Stream content, CancellationToken ct)
    {
        var head = new byte[4];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (read < 4) return null;
        if (head.SequenceEqual(PngSignature)) return new ImageFacts("image/png", 1200, 900);
        if (head.SequenceEqual(JpegSignature)) return new ImageFacts("image/jpeg", 1200, 900);
        return null;
    }

    public int MetadataRemovals;

    /// <summary>Copies the bytes (the fake formats carry no metadata), counting the calls.</summary>
    public async Task<Stream> WithoutMetadataAsync(Stream content, CancellationToken ct)
    {
        Interlocked.Increment(ref MetadataRemovals);
        var copy = new MemoryStream();
        await content.CopyToAsync(copy, ct);
        copy.Position = 0;
        return copy;
    }

    /// <summary>Runs just before rendering: lets a test change the world while an image is being rendered.</summary>
    public Action? BeforeRender { get; set; }

    public Task<IReadOnlyList<RenderedImage>> RenderAsync(Stream original, CancellationToken ct)
    {
        BeforeRender?.Invoke();
        Interlocked.Increment(ref Renders);
        IReadOnlyList<RenderedImage> renditions =
        [
            new("w400", 400, 300, "image/webp", new byte[] { 1, 2, 3 }),
            new("w1200", 1200, 900, "image/webp", new byte[] { 4, 5, 6 }),
        ];
        return Task.FromResult(renditions);
    }

    private static byte[] WithSignature(byte[] signature, int length)
    {
        var bytes = new byte[length];
        signature.CopyTo(bytes, 0);
        return bytes;
    }
}
