namespace Serverless.Shop.Domain.Pricing;

/// <summary>Shop-wide pricing choices (configuration: Pricing:Strategy, Pricing:PricesIncludeTax, Tax:DefaultCountry; docs/pricing.md).</summary>
public sealed record PricingSettings
{
    /// <summary>
    /// How promotions combine. The default is <see cref="StackingStrategy.BestForCustomer"/>: a customer never pays more
    /// for adding a code or for a promotion going live, whatever priorities the marketers gave, which is what shoppers
    /// expect and what avoids "my code made it more expensive" complaints. Shops that want every outcome to follow the
    /// priorities they set choose <see cref="StackingStrategy.InPriorityOrder"/>.
    /// </summary>
    public StackingStrategy Strategy { get; init; } = StackingStrategy.BestForCustomer;

    /// <summary>
    /// Whether catalog prices (and shipping fees) include tax, as in EU retail (the default), or have tax added on top,
    /// as in the US. It decides which figure a discount is taken from; both figures are always shown.
    /// </summary>
    public bool PricesIncludeTax { get; init; } = true;

    /// <summary>Where tax is reckoned while a cart has no address yet (the shop's home country); null: no tax until an address is known.</summary>
    public TaxLocation? DefaultTaxLocation { get; init; }
}
