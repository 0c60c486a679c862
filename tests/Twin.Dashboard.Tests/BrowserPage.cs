using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Twin.Dashboard.Tests;

/// <summary>A page opened in a context, with its script errors and console errors collected.</summary>
internal sealed class BrowserPage
{
    private readonly List<string> _problems = [];

    private BrowserPage(IPage page)
    {
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") lock (_problems) _problems.Add("console: " + m.Text); };
        page.PageError += (_, e) => { lock (_problems) _problems.Add("page error: " + e); };
    }

    /// <summary>The Playwright page.</summary>
    public IPage Page { get; }

    /// <summary>Script errors and console errors so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get { lock (_problems) return [.. _problems]; }
    }

    /// <summary>Opens a path of the service in a new page and waits for the load event.</summary>
    /// <param name="context">The browser context.</param>
    /// <param name="path">Path, e.g. <c>/alarms</c>.</param>
    /// <returns>The page.</returns>
    public static async Task<BrowserPage> OpenAsync(IBrowserContext context, string path)
    {
        var page = new BrowserPage(await context.NewPageAsync());
        await page.Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return page;
    }

    /// <summary>Waits until the page runs live on its Blazor circuit (the "live" indicator turned on).</summary>
    /// <returns>A task completing when connected.</returns>
    public Task WaitLiveAsync() =>
        Page.WaitForSelectorAsync("#live-status.on", new PageWaitForSelectorOptions { Timeout = 15_000 });

    /// <summary>Fails when the page had script or console errors.</summary>
    /// <param name="what">The page, for the message.</param>
    public void AssertNoProblems(string what) =>
        Assert.True(Problems.Count == 0, $"{what} had errors in the browser:\n{string.Join("\n", Problems)}");

    /// <summary>Saves a full-page PNG under artifacts/screenshots/ and prints its path.</summary>
    /// <param name="name">File name without extension.</param>
    /// <param name="output">Test output.</param>
    /// <returns>The path.</returns>
    public async Task<string> ScreenshotAsync(string name, ITestOutputHelper output)
    {
        string path = Path.Combine(Repo.ScreenshotDir, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
        Assert.True(new FileInfo(path).Length > 5_000, $"screenshot {path} is suspiciously small");
        return path;
    }

    /// <summary>Parses a number as the dashboard shows it ("0.4123").</summary>
    /// <param name="text">Text.</param>
    /// <param name="what">What it is, for the message.</param>
    /// <returns>The value.</returns>
    public static double Number(string text, string what)
    {
        Assert.True(double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v),
            $"{what}: '{text}' is not a number");
        return v;
    }
}
