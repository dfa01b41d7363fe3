using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Shop.Infrastructure.Common;

/// <summary>
/// The one JSON configuration of the shop: HTTP bodies, Cosmos DB documents and queue messages all use it, so a
/// field is spelled the same everywhere (camelCase, enums as camelCase strings, no nulls written).
/// </summary>
public static class ShopJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Clients may send numbers as strings ("19.90"); the shop answers with numbers.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 32,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
