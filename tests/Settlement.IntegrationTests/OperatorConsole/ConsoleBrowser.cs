using Microsoft.Playwright;
using Settlement.Testing;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>
/// Debian's chromium (<c>apt-get install chromium</c>), driven by Playwright and launched by its path: no browser is ever
/// downloaded. One browser per test class; each test opens contexts (a fresh cookie jar each) of its own.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Where the browser is: <c>SETTLEMENT_CHROMIUM</c>, else Debian's path.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("SETTLEMENT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Screenshots of every page land here, for a reviewer: <c>artifacts/console/</c> at the repository's root.</summary>
    public static string ScreenshotFolder => Path.Combine(ServersScript.RepositoryRoot(), "artifacts", "console");

    IPlaywright _playwright = null!;
    IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"No browser at {ExecutablePath}: install Debian's chromium (apt-get install chromium) or set SETTLEMENT_CHROMIUM.");

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A new browser context (its own cookies) at <paramref name="width"/> pixels, on the service at <paramref name="baseAddress"/>.</summary>
    public async Task<IPage> OpenAsync(Uri baseAddress, int width = 1280)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A full-page screenshot as <c>artifacts/console/{name}.png</c>.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
