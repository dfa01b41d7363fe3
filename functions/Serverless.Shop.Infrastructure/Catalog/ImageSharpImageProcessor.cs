using System.Buffers.Binary;
using Serverless.Shop.Domain.Catalog;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Processing;

namespace Serverless.Shop.Infrastructure.Catalog;

/// <summary>
/// Decodes images with ImageSharp. Only the four formats the shop accepts are known to it, so a BMP, TIFF or
/// anything else is "not an image" here, whatever its file name says.
/// </summary>
public sealed class ImageSharpImageProcessor : IImageProcessor
{
    /// <summary>The storefront's widths. A rendition is never wider than the original: small images are not blown up.</summary>
    public static readonly IReadOnlyList<(string Name, int Width)> Renditions =
        [("thumbnail", 200), ("medium", 600), ("large", 1200)];

    // Decompression bombs: a few kilobytes of PNG or GIF can describe gigapixels. These bounds are checked from the
    // header alone, before a single pixel is allocated; 40 MP (about 160 MB decoded) covers any camera the shop sees.
    public const long MaximumPixels = 40_000_000;
    public const int MaximumSide = 12_000;

    private const int WebpQuality = 80;

    private static readonly Configuration Formats = CreateConfiguration();

    private static readonly WebpEncoder Encoder = new()
    {
        FileFormat = WebpFileFormatType.Lossy,
        Quality = WebpQuality,
        UseAlphaCompression = true, // keeps transparent PNG/GIF backgrounds transparent
    };

    public async Task<ImageFacts?> IdentifyAsync(Stream content, CancellationToken ct)
    {
        if (!content.CanSeek) throw new ArgumentException("The image must be buffered in a seekable stream, so its position can be restored.", nameof(content));
        var start = content.Position;
        try
        {
            if (content.Length - start <= 0) return null;

            // The header: format (from the bytes, never the name) and declared size.
            var (info, format) = await Image.IdentifyWithFormatAsync(Formats, content, ct);
            if (info is null || format is null || !IsSensibleSize(info.Width, info.Height)) return null;

            // The header can be fine and the rest missing or garbage. The decoders forgive a lot (a truncated PNG or
            // JPEG decodes, its missing rows left blank), so the file's own structure must reach its end marker,
            // and then all of it must decode (safe now that the size is bounded).
            content.Position = start;
            if (!EncodedImage.IsComplete(await ReadAllAsync(content, ct), format)) return null;
            content.Position = start;
            using (await Image.LoadAsync(Formats, content, ct)) { }

            var (width, height) = IsQuarterTurn(ReadOrientation(info.Metadata.ExifProfile)) ? (info.Height, info.Width) : (info.Width, info.Height);
            return new ImageFacts(format.DefaultMimeType, width, height);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidDataException or EndOfStreamException or ArgumentException or IndexOutOfRangeException)
        {
            // Malformed input surfaces as whichever exception the decoder tripped over; all of them mean "not an image".
            return null;
        }
        finally
        {
            content.Position = start;
        }
    }

    /// <summary>
    /// Decodes the image, turns it upright (the EXIF orientation applied to the pixels, so nothing needs the tag), drops
    /// EXIF (GPS, camera serials, owner), XMP, IPTC, GIF comments and PNG text chunks, and encodes it again in its own
    /// format. The ICC profile stays: it says how to show the colours (a Display P3 or Adobe RGB photo looks washed out
    /// without it) and says nothing about who took the picture or where.
    /// </summary>
    /// <remarks>
    /// JPEG and lossy WebP are encoded again at quality <see cref="PublishedQuality"/>: a little loss once, rather than
    /// publishing the camera's metadata. PNG, GIF and lossless WebP lose nothing. An animated GIF keeps its frames, up
    /// to a pixel budget (<see cref="MaximumPixels"/> over all frames), so a GIF bomb cannot be decoded in full.
    /// Tests: ProductImageMetadataTests (both upload paths, read back from storage), ImageMetadataRemovalTests.
    /// </remarks>
    public async Task<Stream> WithoutMetadataAsync(Stream content, CancellationToken ct)
    {
        var info = await Image.IdentifyWithFormatAsync(Formats, content, ct);
        content.Position = 0;
        var format = info.Format ?? throw new InvalidOperationException("The image was not identified before its metadata was removed.");
        var configuration = format == GifFormat.Instance ? GifFramesWithin(info.ImageInfo.Width, info.ImageInfo.Height) : Formats;

        using var image = await Image.LoadAsync(configuration, content, ct);
        image.Mutate(x => x.AutoOrient());
        RemoveMetadata(image);

        IImageEncoder encoder = format switch
        {
            _ when format == JpegFormat.Instance => new JpegEncoder { Quality = PublishedQuality },
            _ when format == PngFormat.Instance => new PngEncoder(),
            _ when format == GifFormat.Instance => new GifEncoder(),
            _ => new WebpEncoder
            {
                FileFormat = image.Metadata.GetWebpMetadata().FileFormat,
                Quality = PublishedQuality,
                UseAlphaCompression = true,
            },
        };
        var output = new MemoryStream();
        await image.SaveAsync(output, encoder, ct);
        output.Position = 0;
        return output;
    }

    /// <summary>The quality JPEG and lossy WebP originals are encoded again at.</summary>
    public const int PublishedQuality = 90;

    // Everything but the ICC profile (see WithoutMetadataAsync), on the image and on each frame.
    private static void RemoveMetadata(Image image)
    {
        image.Metadata.ExifProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.GetPngMetadata().TextData.Clear();
        image.Metadata.GetGifMetadata().Comments.Clear();
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.XmpProfile = null;
        }
    }

    // A decoder for a GIF's frames, as many as fit in the pixel budget (at least the first).
    private static Configuration GifFramesWithin(int width, int height)
    {
        var configuration = CreateConfiguration();
        var frames = (uint)Math.Clamp(MaximumPixels / Math.Max(1L, (long)width * height), 1, 1000);
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { MaxFrames = frames });
        return configuration;
    }

    public async Task<IReadOnlyList<RenderedImage>> RenderAsync(Stream original, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await original.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        // Originals were checked on upload; checking again costs a header read and keeps a bomb out of Load either way.
        if (await IdentifyAsync(buffer, ct) is null)
            throw new InvalidOperationException("The stored original is not a JPEG, PNG, WebP or GIF image of a sensible size.");

        using var image = await Image.LoadAsync(Formats, buffer, ct);
        while (image.Frames.Count > 1) image.Frames.RemoveFrame(1); // renditions are stills: the first frame of an animation
        image.Mutate(x => x.AutoOrient());
        // Photos carry GPS positions, camera serial numbers and owners' names: none of it goes to the storefront.
        RemoveMetadata(image);

        var rendered = new List<RenderedImage>(Renditions.Count);
        foreach (var (name, width) in Renditions)
        {
            ct.ThrowIfCancellationRequested();
            var targetWidth = Math.Min(width, image.Width);
            using var resized = targetWidth == image.Width
                ? image.Clone(_ => { })
                : image.Clone(x => x.Resize(new ResizeOptions { Size = new Size(targetWidth, 0), Sampler = KnownResamplers.Lanczos3 }));
            using var output = new MemoryStream();
            await resized.SaveAsWebpAsync(output, Encoder, ct);
            rendered.Add(new RenderedImage(name, resized.Width, resized.Height, WebpFormat.Instance.DefaultMimeType, output.ToArray()));
        }
        return rendered;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream content, CancellationToken ct)
    {
        if (content is MemoryStream memory && memory.TryGetBuffer(out var buffer))
            return buffer.AsMemory((int)memory.Position);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    private static bool IsSensibleSize(int width, int height) =>
        width > 0 && height > 0 && width <= MaximumSide && height <= MaximumSide && (long)width * height <= MaximumPixels;

    private static ushort ReadOrientation(ExifProfile? exif) =>
        exif is not null && exif.GetValue(ExifTag.Orientation) is { } orientation ? orientation.Value : (ushort)1;

    // EXIF orientations 5 to 8 turn the picture a quarter: what is displayed is the stored image on its side.
    private static bool IsQuarterTurn(ushort orientation) => orientation is >= 5 and <= 8;

    private static Configuration CreateConfiguration()
    {
        var configuration = new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new WebpConfigurationModule(),
            new GifConfigurationModule());
        // A GIF's frames are each a full canvas: a thousand tiny frames make a bomb the size check cannot see.
        // Only the first is ever rendered, so only the first is decoded.
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { MaxFrames = 1 });
        return configuration;
    }
}

/// <summary>Whether an encoded image runs to its format's end marker: the check that catches a cut-off upload.</summary>
internal static class EncodedImage
{
    public static bool IsComplete(ReadOnlyMemory<byte> encoded, IImageFormat format)
    {
        var bytes = encoded.Span;
        if (format == PngFormat.Instance) return PngReachesIend(bytes);
        if (format == JpegFormat.Instance) return JpegEndsAfterLastScan(bytes);
        if (format == GifFormat.Instance) return GifHasTrailer(bytes);
        if (format == WebpFormat.Instance) return WebpHoldsItsRiffSize(bytes);
        return false;
    }

    // Signature, then chunks of [length][type][data][crc] up to IEND; a chunk that runs past the end means truncation.
    private static bool PngReachesIend(ReadOnlySpan<byte> bytes)
    {
        var offset = 8L;
        while (offset + 12 <= bytes.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice((int)offset, 4));
            var type = bytes.Slice((int)offset + 4, 4);
            var next = offset + 12 + length;
            if (next > bytes.Length) return false;
            if (type.SequenceEqual("IEND"u8)) return true;
            offset = next;
        }
        return false;
    }

    // Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so the last SOS (0xFFDA) is the
    // main image's last scan and an EOI (0xFFD9) must follow it. An EXIF thumbnail's own EOI comes before, and does not count.
    private static bool JpegEndsAfterLastScan(ReadOnlySpan<byte> bytes)
    {
        var lastScan = bytes.LastIndexOf([(byte)0xFF, (byte)0xDA]);
        var lastEnd = bytes.LastIndexOf([(byte)0xFF, (byte)0xD9]);
        return lastScan >= 0 && lastEnd > lastScan;
    }

    // A GIF ends with its trailer byte (some writers pad with zeros after it).
    private static bool GifHasTrailer(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.TrimEnd((byte)0).Length;
        return end > 0 && bytes[end - 1] == 0x3B;
    }

    // "RIFF" [size] "WEBP": the size counts every byte after the first eight.
    private static bool WebpHoldsItsRiffSize(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 12 && bytes.Length - 8 >= BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(4, 4));
}
