using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Pricing;
using Serverless.Shop.Functions.Http;
using Serverless.Shop.Infrastructure.Pricing;

namespace Serverless.Shop.Functions.Pricing;

/// <summary>The tax rates the shop charges when <c>Tax:Source</c> is <c>rates</c>, managed by admins (docs/pricing.md#tax, docs/api.md).</summary>
public sealed class TaxRateFunctions(ManageTaxRates manage)
{
    public const int MaximumCsvBytes = 1024 * 1024;

    [Function("ListTaxRates")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Tax", "List the tax rates, by country, region and tax class", Response = typeof(PageBody<ManagedTaxRate>), Query = ["country: only this country's rates (ISO 3166-1 alpha-2)"])]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tax-rates")] HttpRequest req, CancellationToken ct) =>
        Api.Page(new Page<ManagedTaxRate>(await manage.ListAsync(req.Query("country"), ct), null));

    [Function("GetTaxRate")]
    [RequiresRole(ShopRoles.Admin, ShopRoles.Marketer)]
    [ApiDoc("Tax", "Get a tax rate by id (DE_standard, US-NY_reduced)", Response = typeof(ManagedTaxRate))]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tax-rates/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.GetAsync(id, ct));

    [Function("CreateTaxRate")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Tax", "Add the tax rate of a country (or region) and tax class; percent 19 for 19 %", Request = typeof(TaxRateInput), Response = typeof(ManagedTaxRate), SuccessStatus = 201)]
    public async Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tax-rates")] HttpRequest req, CancellationToken ct)
    {
        var created = await manage.CreateAsync(await req.ReadJsonAsync<TaxRateInput>(), ct);
        return Api.Created($"/api/tax-rates/{created.Value.Id}", created);
    }

    [Function("ReplaceTaxRate")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Tax", "Change a tax rate's percent (If-Match required)", Request = typeof(TaxRateInput), Response = typeof(ManagedTaxRate))]
    public async Task<IActionResult> Replace([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "tax-rates/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        Api.Ok(await manage.ReplaceAsync(id, await req.ReadJsonAsync<TaxRateInput>(), req.IfMatch(), ct));

    [Function("DeleteTaxRate")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Tax", "Remove a tax rate: checkouts to a place left with no rate are refused", SuccessStatus = 204)]
    public async Task<IActionResult> Delete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tax-rates/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await manage.DeleteAsync(id, req.IfMatch(), ct);
        return Api.NoContent();
    }

    [Function("ImportTaxRates")]
    [RequiresRole(ShopRoles.Admin)]
    [ApiDoc("Tax", "Add or replace the rates a CSV file lists (text/csv: country,region,taxClass,percent); all rows or none; send an Idempotency-Key",
        Response = typeof(TaxRateImportResult))]
    public async Task<IActionResult> Import([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tax-rates/import")] HttpRequest req, CancellationToken ct)
    {
        var mediaType = req.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "text/csv", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedContentException("Send the rates as a CSV file with Content-Type: text/csv.");
        var text = await ReadLimitedAsync(req, ct);
        var rows = TaxRateCsv.Read(new StringReader(text));
        return Api.Ok(await manage.ImportAsync(rows, ct));
    }

    private static async Task<string> ReadLimitedAsync(HttpRequest req, CancellationToken ct)
    {
        if (req.ContentLength > MaximumCsvBytes) throw new InputTooLargeException($"A rate file may be at most {MaximumCsvBytes / 1024} KB.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await req.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaximumCsvBytes) throw new InputTooLargeException($"A rate file may be at most {MaximumCsvBytes / 1024} KB.");
        }
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw ValidationFailedException.For("file", "is not UTF-8 text: save the CSV as UTF-8.");
        }
    }
}
