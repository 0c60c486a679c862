using Microsoft.Playwright;
using Twin.Cli.Replay;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;

namespace Twin.Cli.Tests;

/// <summary>The report of the real LG M50 replay, opened in the system's headless Chromium.</summary>
public class LgM50ReportBrowserTests
{
    [Fact]
    public async Task The_real_report_draws_its_plots_offline()
    {
        string chromium = Environment.GetEnvironmentVariable("TWIN_CHROMIUM") is { Length: > 0 } env ? env : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            Assert.Fail($"Chromium not found at {chromium}: run scripts/test.sh (it installs Debian's chromium) or set TWIN_CHROMIUM");

        string dir = Repo.TempDir("report");
        try
        {
            var cell = CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80);
            var result = ReplayRunner.Run(new ReplayRequest(Repo.LgM50, cell, ReaderOptions.Default, dir));

            using var pw = await Playwright.CreateAsync();
            await using var browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 2200 } });
            var problems = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") problems.Add(m.Text); };
            page.PageError += (_, e) => problems.Add(e);
            await page.RouteAsync("**/*", async route =>
            {
                if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal)) await route.ContinueAsync();
                else { problems.Add("network request: " + route.Request.Url); await route.AbortAsync(); }
            });
            await page.GotoAsync(new Uri(Path.Combine(dir, "report.html")).AbsoluteUri);
            await page.WaitForSelectorAsync("body[data-ready=\"1\"]", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

            Assert.Empty(problems);
            int points = int.Parse(await page.GetAttributeAsync("body", "data-points") ?? "0");
            Assert.InRange(points, 1000, 4000);
            var sizes = await page.EvalOnSelectorAllAsync<int[][]>("canvas", "cs => cs.map(c => [c.width, c.height])");
            Assert.True(sizes.Length >= 4, $"{sizes.Length} canvases");
            Assert.All(sizes, s => Assert.True(s[0] > 100 && s[1] > 100));
            string table = await page.InnerTextAsync("body");
            Assert.Contains("0.355", table);
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "lg-m50-report.png"), FullPage = true });
            Assert.Equal(6704, result.Samples);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
