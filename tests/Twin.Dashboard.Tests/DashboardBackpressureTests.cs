using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Twin.Dashboard.Tests;

/// <summary>
/// A page that stops running (paused in the debugger, as a laptop going to sleep or a frozen tab) is sent one update
/// and then nothing until it answers; when it runs again it gets one update merged from everything it missed, and shows
/// the service's newest state.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBackpressureTests(DashboardFixture twin, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private const string A = DashboardFixture.CellA;
    private static readonly string CellPath = $"/cells/{DashboardFixture.Site}/{A}";

    [Fact]
    public async Task A_paused_page_gets_one_merged_update_and_resumes_up_to_date()
    {
        await twin.WaitUntilAsync(async () => await twin.SamplesAsync(A) >= 30, $"{A} has 30 samples", 30);
        var overview = await BrowserPage.OpenAsync(twin.Viewer, "/");
        var cell = await BrowserPage.OpenAsync(twin.Viewer, CellPath);
        await overview.WaitLiveAsync();
        await cell.WaitLiveAsync();
        var pages = new[] { overview, cell };

        var debuggers = new List<ICDPSession>();
        int paused = 0;
        foreach (var p in pages)
        {
            var cdp = await p.Page.Context.NewCDPSessionAsync(p.Page);
            cdp.Event("Debugger.paused").OnEvent += (_, _) => Interlocked.Increment(ref paused);
            await cdp.SendAsync("Debugger.enable");
            debuggers.Add(cdp);
        }
        var before = new List<long>();
        foreach (var p in pages) before.Add(await p.Page.EvaluateAsync<long>("() => window.twinDashboard.updates()"));

        // pause both pages for 5 s: cell A changes every 50 ms, so an unpaced server would queue ~100 updates for each
        foreach (var cdp in debuggers) _ = cdp.SendAsync("Debugger.pause");   // answers once the page is paused
        await Task.Delay(5000);
        foreach (var cdp in debuggers) await cdp.SendAsync("Debugger.resume");
        Assert.True(Volatile.Read(ref paused) >= 2, $"only {paused} of the 2 pages paused");
        await Task.Delay(500);

        for (int k = 0; k < pages.Length; k++)
        {
            long received = await pages[k].Page.EvaluateAsync<long>("() => window.twinDashboard.updates()") - before[k];
            output.WriteLine($"{(k == 0 ? "overview" : "cell page")}: {received} updates over the 5 s pause and 0.5 s after it");
            Assert.True(received is >= 1 and <= 40, $"the {(k == 0 ? "overview" : "cell page")} received {received} updates over a 5 s pause and 0.5 s after it: " +
                "expected the one in flight, one merged update and the ones after the pause (at most 20/s)");
        }

        // the paused cell page resumes with the service's newest state (whether every timeline point arrives is not
        // asserted here: under CPU load a page has been seen lacking 1–2 points that a fresh page shows; open)
        double apiMs = (await twin.CellAsync(A)).GetProperty("summary").GetProperty("last_time_unix_ns").GetInt64() / 1e6;
        double cardMs = double.Parse(await cell.Page.GetAttributeAsync("article.card", "data-t") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(apiMs - cardMs < 3 * 600_000, $"after the pause the cell page's card is {(apiMs - cardMs) / 1000:0} s of cell time behind the service");
        foreach (var p in pages) p.AssertNoProblems("a paused page");
    }
}
