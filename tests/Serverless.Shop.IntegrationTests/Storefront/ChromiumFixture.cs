using System.Diagnostics;
using Microsoft.Playwright;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Storefront;

/// <summary>
/// One headless Chromium for the browser tests: Debian's package (installed by infra/local-stack/install-chromium.sh
/// when missing, so a fresh CI machine gets it), driven by Playwright through its executable path. Playwright's own
/// browser download is never called. The flags are the ones this machine's closed network needs (no background
/// requests to Google's hosts) and, as root, --no-sandbox.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await EnsureChromiumAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Flags });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private static async Task EnsureChromiumAsync()
    {
        if (File.Exists(ExecutablePath)) return;
        var script = Path.Combine(RunningLocalStack.FindRepositoryRoot(AppContext.BaseDirectory), "infra", "local-stack", "install-chromium.sh");
        using var install = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = install.StandardOutput.ReadToEndAsync();
        var errors = install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync();
        if (install.ExitCode != 0 || !File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium could not be installed by {script} (exit {install.ExitCode}): {await output}{await errors}");
    }
}
