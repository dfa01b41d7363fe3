namespace Serverless.Shop.LocalHost.Hosting;

/// <summary>
/// In Azure the platform answers CORS before the app runs (the function app's siteConfig.cors, from the Bicep parameter
/// apiCorsAllowedOrigins), so the app has no CORS code. The local host does the same here: the origins in
/// <c>Host:CORS</c> (comma-separated, the name Core Tools reads from local.settings.json) may call the API from a
/// browser, any method and header, without credentials. Not set, only same-origin pages may, as in Azure by default.
/// </summary>
public static class LocalCors
{
    public const string Setting = "Host:CORS";

    public static IReadOnlyList<string> AllowedOrigins(IConfiguration configuration) =>
        (configuration[Setting] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Adds the CORS middleware when origins are configured; before the functions are mapped, so it answers their preflights.</summary>
    public static void UseLocalCors(this WebApplication app)
    {
        var origins = AllowedOrigins(app.Configuration);
        if (origins.Count == 0) return;
        app.UseCors(policy =>
        {
            if (origins.Contains("*")) policy.AllowAnyOrigin();
            else policy.WithOrigins([.. origins]);
            policy.AllowAnyMethod().AllowAnyHeader();
        });
    }
}
