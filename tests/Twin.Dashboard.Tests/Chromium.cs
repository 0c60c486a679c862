using Microsoft.Playwright;

namespace Twin.Dashboard.Tests;

/// <summary>The system's headless Chromium for the browser tests (<c>/usr/bin/chromium</c>, or <c>TWIN_CHROMIUM</c>).</summary>
internal static class Chromium
{
    private const string DefaultPath = "/usr/bin/chromium";

    /// <summary>Starts Playwright and launches headless Chromium.</summary>
    /// <returns>Playwright (dispose it) and the browser (close it).</returns>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        string chromium = Environment.GetEnvironmentVariable("TWIN_CHROMIUM") is { Length: > 0 } env ? env : DefaultPath;
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"Chromium not found at {chromium}: install Debian's chromium ('apt-get install -y chromium') or set TWIN_CHROMIUM");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 60_000,
        });
        return (playwright, browser);
    }
}
