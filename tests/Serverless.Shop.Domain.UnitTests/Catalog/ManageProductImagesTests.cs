using Serverless.Shop.Domain.Catalog;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.UnitTests.Common;
using static Serverless.Shop.Domain.UnitTests.Catalog.CatalogExamples;
using static Serverless.Shop.Domain.UnitTests.Catalog.FakeImageProcessor;

namespace Serverless.Shop.Domain.UnitTests.Catalog;

public sealed class ManageProductImagesTests
{
    private const string ProductId = "prod_mug";
    private const long TenMegabytes = 10 * 1024 * 1024;

    private readonly InMemoryProductStore _products = new();
    private readonly InMemoryProductImageStorage _storage = new();
    private readonly FakeImageProcessor _processor = new();
    private readonly RecordingWorkQueue _queue = new();
    private readonly FixedClock _clock = new();

    public ManageProductImagesTests() => _products.Add(ExistingMug(ProductId));

    private ManageProductImages Images => new(_products, _storage, _processor, _queue, _clock);

    private Task<ProductImage> Upload(byte[] content, string? contentType = "image/png", long? length = -1, string? altText = null) =>
        Images.UploadAsync(ProductId, new MemoryStream(content), contentType, length == -1 ? content.Length : length, altText, CancellationToken.None);

    private IReadOnlyList<ProductImage> ImagesOnProduct => _products.Current(ProductId)!.Value.Images;

    private void NothingWasAdded()
    {
        ImagesOnProduct.ShouldBeEmpty();
        _storage.Originals.ShouldBeEmpty();
        _queue.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_uploaded_image_is_stored_added_to_the_product_as_processing_and_queued_for_rendering()
    {
        var image = await Upload(Png(), altText: "A red mug");

        image.Status.ShouldBe(ImageStatus.Processing);
        image.AltText.ShouldBe("A red mug");
        image.ContentType.ShouldBe("image/png");
        ImagesOnProduct.ShouldBe([image]);
        _storage.OriginalOf(ProductId, image.Id).ShouldBe(Png());
        _queue.MessagesOn<ProcessImageMessage>(WorkQueues.ImageProcessing).ShouldBe([new ProcessImageMessage(ProductId, image.Id)]);
        _products.Current(ProductId)!.Value.UpdatedAt.ShouldBe(_clock.Now);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_as_an_invalid_file()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Upload(NotAnImage()));

        failure.ShouldReport("file", "is not a valid image/png image");
        NothingWasAdded();
    }

    [Fact]
    public async Task An_image_of_another_type_than_declared_is_refused_as_an_invalid_file()
    {
        var failure = await Should.ThrowAsync<ValidationFailedException>(() => Upload(Jpeg(), contentType: "image/png"));

        failure.ShouldReport("file", "it is image/jpeg");
        NothingWasAdded();
    }

    [Fact]
    public async Task The_declared_type_is_compared_ignoring_case()
    {
        (await Upload(Jpeg(), contentType: "IMAGE/JPEG")).Status.ShouldBe(ImageStatus.Processing);
    }

    [Theory]
    [InlineData("image/svg+xml")]
    [InlineData("text/html")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task A_type_other_than_jpeg_png_webp_or_gif_is_unsupported(string? contentType)
    {
        await Should.ThrowAsync<UnsupportedContentException>(() => Upload(Png(), contentType: contentType));

        NothingWasAdded();
    }

    [Fact]
    public async Task A_file_declared_larger_than_10_MB_is_refused_before_it_is_read()
    {
        var body = new EndlessStream();

        await Should.ThrowAsync<InputTooLargeException>(
            () => Images.UploadAsync(ProductId, body, "image/png", TenMegabytes + 1, null, CancellationToken.None));

        body.BytesRead.ShouldBe(0);
        NothingWasAdded();
    }

    [Fact]
    public async Task A_file_longer_than_10_MB_is_refused_even_when_its_length_was_not_declared()
    {
        await Should.ThrowAsync<InputTooLargeException>(() => Upload(Png((int)TenMegabytes + 1), length: null));

        NothingWasAdded();
    }

    [Fact]
    public async Task A_file_longer_than_it_declared_is_refused_once_it_passes_10_MB()
    {
        await Should.ThrowAsync<InputTooLargeException>(() => Upload(Png((int)TenMegabytes + 1), length: 1024));

        NothingWasAdded();
    }

    [Fact]
    public async Task A_body_that_never_ends_is_read_only_a_little_past_10_MB()
    {
        var body = new EndlessStream();

        await Should.ThrowAsync<InputTooLargeException>(() => Images.UploadAsync(ProductId, body, "image/png", null, null, CancellationToken.None));

        body.BytesRead.ShouldBeLessThan(TenMegabytes + 1024 * 1024);
    }

    [Fact]
    public async Task A_file_of_exactly_10_MB_is_accepted()
    {
        var image = await Upload(Png((int)TenMegabytes), length: null);

        _storage.OriginalOf(ProductId, image.Id).Length.ShouldBe((int)TenMegabytes);
    }

    [Fact]
    public async Task Alt_text_longer_than_300_characters_is_refused()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Upload(Png(), altText: new string('a', 301)))).ShouldReport("altText");

        NothingWasAdded();
    }

    [Fact]
    public async Task An_image_for_a_product_that_does_not_exist_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(
            () => Images.UploadAsync("prod_missing", new MemoryStream(Png()), "image/png", null, null, CancellationToken.None));

        _storage.Originals.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_product_with_20_images_takes_no_more()
    {
        _products.Add(ExistingMug(ProductId, images: ManageProductImages.MaximumImagesPerProduct));

        await Should.ThrowAsync<BusinessRuleViolationException>(() => Upload(Png()));

        _storage.Originals.ShouldBeEmpty();
    }

    [Fact]
    public async Task When_the_product_cannot_be_updated_the_stored_original_is_deleted_again_and_nothing_is_queued()
    {
        _products.ReplaceFailure = new InvalidOperationException("The database is unavailable.");

        await Should.ThrowAsync<InvalidOperationException>(() => Upload(Png()));

        _storage.DeletedImages.ShouldHaveSingleItem().Item1.ShouldBe(ProductId);
        _queue.MessagesOn<ProcessImageMessage>(WorkQueues.ImageProcessing).ShouldBeEmpty();
        _storage.Originals.ShouldBeEmpty();
        ImagesOnProduct.ShouldBeEmpty();
    }

    [Fact]
    public async Task When_the_processing_message_cannot_be_sent_the_image_is_taken_off_the_product_again()
    {
        _queue.Failure = new InvalidOperationException("The queue service is unavailable.");

        await Should.ThrowAsync<InvalidOperationException>(() => Upload(Png()));

        ImagesOnProduct.ShouldBeEmpty();
        _storage.Originals.ShouldBeEmpty();
    }

    [Fact]
    public async Task Renditions_of_an_image_deleted_while_it_was_rendered_are_removed()
    {
        var uploaded = await Upload(Png());
        _processor.BeforeRender = () => Images.DeleteAsync(ProductId, uploaded.Id, CancellationToken.None).GetAwaiter().GetResult();

        await Images.ProcessAsync(new ProcessImageMessage(ProductId, uploaded.Id), CancellationToken.None);

        ImagesOnProduct.ShouldBeEmpty();
        _storage.Renditions.ShouldBeEmpty();
    }

    [Fact]
    public async Task Processing_renders_the_web_ready_versions_and_marks_the_image_ready()
    {
        var uploaded = await Upload(Png());

        await Images.ProcessAsync(new ProcessImageMessage(ProductId, uploaded.Id), CancellationToken.None);

        var image = ImagesOnProduct.ShouldHaveSingleItem();
        image.Status.ShouldBe(ImageStatus.Ready);
        image.Renditions.Select(r => (r.Name, r.Width, r.ContentType, r.Url)).ShouldBe(
        [
            ("w400", 400, "image/webp", $"https://cdn.test/{ProductId}/{uploaded.Id}/w400"),
            ("w1200", 1200, "image/webp", $"https://cdn.test/{ProductId}/{uploaded.Id}/w1200"),
        ]);
    }

    [Fact]
    public async Task The_same_message_delivered_twice_renders_once_and_leaves_the_image_ready()
    {
        var uploaded = await Upload(Png());
        var message = _queue.MessagesOn<ProcessImageMessage>(WorkQueues.ImageProcessing).Single();

        await Images.ProcessAsync(message, CancellationToken.None);
        await Images.ProcessAsync(message, CancellationToken.None);

        _processor.Renders.ShouldBe(1);
        _storage.RenditionWrites.ShouldBe(2);
        var image = ImagesOnProduct.ShouldHaveSingleItem();
        image.Id.ShouldBe(uploaded.Id);
        image.Status.ShouldBe(ImageStatus.Ready);
        image.Renditions.Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_upload_ticket_is_a_storage_url_valid_for_15_minutes()
    {
        var ticket = await Images.CreateUploadTicketAsync(ProductId, "Image/WebP", CancellationToken.None);

        ticket.ExpiresAt.ShouldBe(_clock.Now.AddMinutes(15));
        ticket.ContentType.ShouldBe("image/webp");
        ticket.MaximumBytes.ShouldBe(TenMegabytes);
        ticket.UploadUrl.AbsoluteUri.ShouldContain($"{ProductId}/{ticket.ImageId}");
    }

    [Fact]
    public async Task No_upload_ticket_is_given_for_an_unsupported_type()
    {
        await Should.ThrowAsync<UnsupportedContentException>(() => Images.CreateUploadTicketAsync(ProductId, "image/tiff", CancellationToken.None));
    }

    [Fact]
    public async Task A_completed_upload_is_added_with_the_type_its_bytes_show_and_the_upload_is_cleared()
    {
        _storage.Uploaded(ProductId, "img_direct", Jpeg(), contentType: "image/png");

        var image = await Images.CompleteUploadAsync(ProductId, "img_direct", "Mug from above", CancellationToken.None);

        image.ContentType.ShouldBe("image/jpeg");
        ImagesOnProduct.ShouldBe([image]);
        _storage.OriginalOf(ProductId, "img_direct").ShouldBe(Jpeg());
        _storage.PendingUploads.ShouldBeEmpty();
    }

    [Fact]
    public async Task Completing_an_upload_that_never_arrived_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Images.CompleteUploadAsync(ProductId, "img_never", null, CancellationToken.None));
    }

    [Fact]
    public async Task A_completed_upload_that_is_not_an_image_is_refused_and_deleted()
    {
        _storage.Uploaded(ProductId, "img_fake", NotAnImage());

        (await Should.ThrowAsync<ValidationFailedException>(() => Images.CompleteUploadAsync(ProductId, "img_fake", null, CancellationToken.None)))
            .ShouldReport("file");

        _storage.PendingUploads.ShouldBeEmpty();
        NothingWasAdded();
    }

    [Fact]
    public async Task A_completed_upload_larger_than_10_MB_is_refused_and_deleted()
    {
        _storage.Uploaded(ProductId, "img_huge", Png(), length: TenMegabytes + 1);

        await Should.ThrowAsync<InputTooLargeException>(() => Images.CompleteUploadAsync(ProductId, "img_huge", null, CancellationToken.None));

        _storage.PendingUploads.ShouldBeEmpty();
        NothingWasAdded();
    }

    [Fact]
    public async Task Deleting_an_image_takes_it_off_the_product_and_out_of_storage()
    {
        var image = await Upload(Png());

        await Images.DeleteAsync(ProductId, image.Id, CancellationToken.None);

        ImagesOnProduct.ShouldBeEmpty();
        _storage.DeletedImages.ShouldBe([(ProductId, image.Id)]);
    }

    [Fact]
    public async Task Deleting_an_image_the_product_does_not_have_is_not_found()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(() => Images.DeleteAsync(ProductId, "img_other", CancellationToken.None));

        _storage.DeletedImages.ShouldBeEmpty();
    }

    [Fact]
    public async Task Abandoned_uploads_are_those_older_than_twice_an_upload_urls_lifetime()
    {
        await Images.DeleteAbandonedUploadsAsync(CancellationToken.None);

        _storage.LastCleanupCutoff.ShouldBe(_clock.GetUtcNow() - TimeSpan.FromMinutes(30));
    }
}
