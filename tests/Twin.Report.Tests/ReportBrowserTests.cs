using Microsoft.Playwright;
using Twin.Data.Export;
using Xunit.Abstractions;

namespace Twin.Report.Tests;

/// <summary>
/// Opens generated reports in a real headless Chromium (the system package, /usr/bin/chromium) through Playwright,
/// with every non-file request refused, and checks that the charts render without errors.
/// </summary>
public class ReportBrowserTests(ITestOutputHelper output)
{
    private const string DefaultChromium = "/usr/bin/chromium";

    private static string ChromiumPath()
    {
        string path = Environment.GetEnvironmentVariable("TWIN_CHROMIUM") is { Length: > 0 } env ? env : DefaultChromium;
        if (!File.Exists(path))
            Assert.Fail($"Chromium not found at {path}. The browser test needs the system Chromium: run 'apt-get install -y chromium' (Debian) or set TWIN_CHROMIUM to a Chromium binary.");
        return path;
    }

    private sealed record PageRun(IReadOnlyList<string> Errors, IReadOnlyList<string> ExternalRequests);

    private static async Task<(IPlaywright Pw, IBrowser Browser)> LaunchAsync()
    {
        string chromium = ChromiumPath();
        IPlaywright pw = await Playwright.CreateAsync();
        IBrowser browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 60_000,
        });
        return (pw, browser);
    }

    private static async Task<PageRun> OpenAsync(IPage page, string file)
    {
        var errors = new List<string>();
        var external = new List<string>();
        page.Console += (_, msg) =>
        {
            if (msg.Type is "error") errors.Add("console: " + msg.Text);
        };
        page.PageError += (_, err) => errors.Add("page error: " + err);
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) await route.ContinueAsync();
            else
            {
                lock (external) external.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });

        await page.GotoAsync(new Uri(file).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
        await page.WaitForSelectorAsync("body[data-ready=\"1\"]", new PageWaitForSelectorOptions { Timeout = 30_000, State = WaitForSelectorState.Attached });
        return new PageRun(errors, external);
    }

    [Fact]
    public async Task Report_renders_in_headless_chromium()
    {
        ReportData data = SyntheticReport.Build();
        string dir = AppContext.BaseDirectory;
        string htmlPath = Path.Combine(dir, "report.html");
        string pngPath = Path.Combine(dir, "report.png");
        ReportHtmlWriter.WriteFile(htmlPath, data);

        (IPlaywright pw, IBrowser browser) = await LaunchAsync();
        try
        {
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            PageRun run = await OpenAsync(page, htmlPath);

            Assert.True(run.Errors.Count == 0, "errors in the page:\n" + string.Join("\n", run.Errors));
            Assert.True(run.ExternalRequests.Count == 0, "external requests:\n" + string.Join("\n", run.ExternalRequests));

            string? points = await page.GetAttributeAsync("body", "data-points");
            Assert.Equal(data.Points.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), points);

            IReadOnlyList<IElementHandle> canvases = await page.QuerySelectorAllAsync("canvas");
            Assert.Equal(4, canvases.Count);
            foreach (IElementHandle canvas in canvases)
            {
                ElementHandleBoundingBoxResult? box = await canvas.BoundingBoxAsync();
                Assert.NotNull(box);
                Assert.True(box.Width > 200 && box.Height > 150, $"canvas is {box.Width}x{box.Height}");
            }

            // The c_Li chart really has its critical (red) background bands and the critical line drawn on the canvas.
            int reddish = await page.EvaluateAsync<int>(@"() => {
                const cv = document.querySelector('#plot-cli canvas');
                const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
                let n = 0;
                for (let k = 0; k < px.length; k += 4) if (px[k + 3] > 0 && px[k] > px[k + 1] + 40 && px[k] > px[k + 2] + 40) n++;
                return n;
            }");
            Assert.True(reddish > 500, $"only {reddish} red pixels in the c_Li chart");

            int rows = await page.Locator("table.summary tbody tr").CountAsync();
            Assert.Equal(data.SummaryRows.Count - 1, rows);

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = pngPath, FullPage = true });
            await page.Locator(".pair").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(dir, "report-lattice.png") });
            output.WriteLine("report:     " + htmlPath);
            output.WriteLine("screenshot: " + pngPath);
            Console.WriteLine("report screenshot: " + pngPath);
            Assert.True(new FileInfo(pngPath).Length > 10_000);

            // Interaction: hover every chart (legend values), drag-zoom and reset the c_Li chart, then resize the window.
            foreach (string id in new[] { "plot-ec", "plot-cli", "plot-a", "plot-c" })
            {
                ILocator overlay = page.Locator($"#{id} .u-over");
                await overlay.ScrollIntoViewIfNeededAsync();
                LocatorBoundingBoxResult over = await overlay.BoundingBoxAsync() ?? throw new InvalidOperationException(id);
                await page.Mouse.MoveAsync(over.X + over.Width * 0.6f, over.Y + over.Height * 0.5f, new MouseMoveOptions { Steps = 3 });
                // the live legend shows the values under the cursor
                await page.WaitForFunctionAsync("id => /\\d\\.\\d{3}/.test(document.querySelector('#' + id + ' .u-legend').innerText)", id, new PageWaitForFunctionOptions { Timeout = 5_000 });
            }

            await page.Locator("#plot-cli .u-over").ScrollIntoViewIfNeededAsync();
            LocatorBoundingBoxResult cli = await page.Locator("#plot-cli .u-over").BoundingBoxAsync() ?? throw new InvalidOperationException("plot-cli");
            float y = cli.Y + cli.Height / 2;
            await page.Mouse.MoveAsync(cli.X + cli.Width * 0.3f, y);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(cli.X + cli.Width * 0.5f, y, new MouseMoveOptions { Steps = 5 });
            await page.Mouse.UpAsync();
            await page.Locator("#plot-cli .u-over").DblClickAsync();

            await page.SetViewportSizeAsync(900, 900);
            await page.WaitForFunctionAsync("() => document.querySelector('#plot-cli canvas').getBoundingClientRect().width < 900", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
            Assert.True(run.Errors.Count == 0, "errors while interacting:\n" + string.Join("\n", run.Errors));
        }
        finally
        {
            await browser.CloseAsync();
            pw.Dispose();
        }
    }

    [Fact]
    public async Task Empty_report_renders_without_errors()
    {
        var data = new ReportData("empty", "LNO", [], [], new ModelCurves([], [], [], []), 0.40, 0.45, 0.32, []);
        string htmlPath = Path.Combine(AppContext.BaseDirectory, "report-empty.html");
        ReportHtmlWriter.WriteFile(htmlPath, data);

        (IPlaywright pw, IBrowser browser) = await LaunchAsync();
        try
        {
            IPage page = await browser.NewPageAsync();
            PageRun run = await OpenAsync(page, htmlPath);
            Assert.True(run.Errors.Count == 0, "errors in the page:\n" + string.Join("\n", run.Errors));
            Assert.Equal("0", await page.GetAttributeAsync("body", "data-points"));
        }
        finally
        {
            await browser.CloseAsync();
            pw.Dispose();
        }
    }
}
