namespace Serverless.Shop.Domain.Administration;

/// <summary>The app roles of the shop, as they appear in the token's <c>roles</c> claim (Entra ID app roles).</summary>
public static class ShopRoles
{
    public const string Admin = "admin";
    public const string Merchandiser = "merchandiser";
    public const string Marketer = "marketer";
    public const string Support = "support";
    public const string Customer = "customer";

    public static readonly IReadOnlyList<string> All = [Admin, Merchandiser, Marketer, Support, Customer];

    /// <summary>Who may change the catalog and stock.</summary>
    public static readonly string[] CatalogEditors = [Admin, Merchandiser];

    /// <summary>Who may see what shoppers cannot: drafts, archived products, stock journals.</summary>
    public static readonly string[] CatalogReaders = [Admin, Merchandiser, Marketer, Support];
}

/// <summary>Who is acting, as the domain needs it: for audit trails and visibility rules. No framework types.</summary>
public sealed record Actor(string Id, IReadOnlyCollection<string> Roles)
{
    public static readonly Actor Anonymous = new("anonymous", []);
    public static Actor System(string process) => new($"system:{process}", [ShopRoles.Admin]);

    public bool IsInAnyRole(IEnumerable<string> roles) => roles.Any(Roles.Contains);
    public bool CanSeeUnpublishedCatalog => IsInAnyRole(ShopRoles.CatalogReaders);
}
