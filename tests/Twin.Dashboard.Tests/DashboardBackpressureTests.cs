using System.Diagnostics;
using Microsoft.Playwright;
using Twin.Testing;
using Xunit.Abstractions;

namespace Twin.Dashboard.Tests;

/// <summary>
/// A page that stops running (paused in the debugger, as a laptop going to sleep or a frozen tab) is sent at most the
/// render batches its circuit may send ahead (<see cref="DashboardSetup.UnacknowledgedRenderBatches"/>) and then nothing
/// until it answers; when it runs again it gets one render with the newest state, a cell page misses no timeline
/// point, and a page that kept running followed the cell all along.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBackpressureTests(DashboardFixture twin, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private const string A = DashboardFixture.CellA;
    private static readonly string CellPath = $"/cells/{DashboardFixture.Site}/{A}";

    /// <summary>How long the pages stay paused: cell A changes every 50 ms, so an unpaced server would queue ~100 updates for each.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);

    /// <summary>Updates a page can be sent per second at most (one per push interval).</summary>
    private static readonly double MaxUpdatesPerSecond = 1 / Twin.Dashboard.Live.LiveBroadcaster.PushInterval.TotalSeconds;

    [Fact]
    public async Task A_paused_page_gets_one_merged_update_and_misses_no_point_while_a_running_page_keeps_up()
    {
        await Wait.UntilAsync(async () => await twin.SamplesAsync(A) >= 30, $"{A} to have 30 samples");
        var overview = await BrowserPage.OpenAsync(twin.Viewer, "/");
        var cell = await BrowserPage.OpenAsync(twin.Viewer, CellPath);
        var healthy = await BrowserPage.OpenAsync(twin.Viewer, CellPath);
        var pages = new[] { overview, cell };
        foreach (var p in pages.Append(healthy))
        {
            await p.WaitLiveAsync();
            // the first live render is in the page (and on a cell page the charts hold the whole timeline up to it)
            await Wait.UntilAsync(async () => await UpdatesAsync(p) >= 1, "the page to apply its first live render");
        }

        // a page keeps applying updates until the pause takes effect (at its next script run): the time from counting
        // to the pause counts as running time, like the time after the resume
        var running = Stopwatch.StartNew();
        var pausedAt = new double[pages.Length];
        var debuggers = new List<ICDPSession>();
        int paused = 0;
        for (int k = 0; k < pages.Length; k++)
        {
            int page = k;
            var cdp = await pages[k].Page.Context.NewCDPSessionAsync(pages[k].Page);
            cdp.Event("Debugger.paused").OnEvent += (_, _) =>
            {
                Volatile.Write(ref pausedAt[page], running.Elapsed.TotalSeconds);
                Interlocked.Increment(ref paused);
            };
            await cdp.SendAsync("Debugger.enable");
            debuggers.Add(cdp);
        }
        double pausedFromMs = await cell.Page.EvaluateAsync<double>("() => window.twinCell.lastTimeMs()");
        var before = new List<(long Updates, double At)>();
        foreach (var p in pages) before.Add((await UpdatesAsync(p), running.Elapsed.TotalSeconds));

        foreach (var cdp in debuggers) _ = cdp.SendAsync("Debugger.pause");   // answers once the page is paused
        await Wait.UntilAsync(() => Volatile.Read(ref paused) >= 2, "both pages to pause", observed: () => $"{paused} paused");
        await Task.Delay(Pause);   // the stimulus: the pages stay frozen while the cell keeps changing
        // the page that kept running shows what the service has now, while the other two are still paused
        double duringPause = await ServiceStateMsAsync();
        await Wait.UntilAsync(async () => await CardMsAsync(healthy) >= duringPause,
            "the running cell page to follow the cell while two other pages are paused", observed: () => $"service at {duringPause:R}");
        Assert.True(Volatile.Read(ref paused) >= 2, "a paused page resumed early");
        foreach (var cdp in debuggers) await cdp.SendAsync("Debugger.resume");
        var sinceResume = Stopwatch.StartNew();

        // the cell page catches up with the state the service had when the pages resumed
        double serviceMs = await ServiceStateMsAsync();
        await Wait.UntilAsync(async () => await CardMsAsync(cell) >= serviceMs,
            "the resumed cell page to show the service's state from the moment of the resume", observed: () => $"service at {serviceMs:R}");
        for (int k = 0; k < pages.Length; k++)
        {
            long received = await UpdatesAsync(pages[k]) - before[k].Updates;
            // the render batches sent ahead before the page stopped answering, one render with the newest state, and at
            // most one per push interval while the page ran
            double ran = Math.Max(0, pausedAt[k] - before[k].At) + sinceResume.Elapsed.TotalSeconds;
            long most = DashboardSetup.UnacknowledgedRenderBatches + 1 + (long)Math.Ceiling(MaxUpdatesPerSecond * ran) + 1;
            string page = k == 0 ? "overview" : "cell page";
            output.WriteLine($"{page}: {received} updates over the {Pause.TotalSeconds:0} s pause, running {ran:0.00} s before and after it");
            Assert.True(received >= 1 && received <= most,
                $"the {page} received {received} updates over a {Pause.TotalSeconds:0} s pause, running {ran:0.00} s before and after it: expected the " +
                $"{DashboardSetup.UnacknowledgedRenderBatches} sent ahead, one with the newest state and at most {MaxUpdatesPerSecond:0}/s while it ran ({most} in all)");
        }

        // every point the service keeps from the pause on is on the paused and on the running cell page, exactly as a
        // fresh page shows it
        var fresh = await BrowserPage.OpenAsync(twin.Viewer, CellPath);
        await fresh.WaitLiveAsync();
        await Wait.UntilAsync(async () => await UpdatesAsync(fresh) >= 1, "the fresh page to apply its first live render");
        double[] truth = await fresh.Page.EvaluateAsync<double[]>("() => window.twinCell.times()");
        foreach (var (page, name) in new[] { (cell, "paused"), (healthy, "running") })
        {
            double[] shown = await page.Page.EvaluateAsync<double[]>("() => window.twinCell.times()");
            var window = truth.Where(t => t > pausedFromMs && t <= shown[^1]).ToList();
            Assert.True(window.Count >= 20, $"only {window.Count} timeline points of {A} from the pause on on the {name} page; the feed gives one per 50 ms");
            var missing = window.Where(t => Array.BinarySearch(shown, t) < 0 && !shown.Any(s => Math.Abs(s - t) < 1)).ToList();
            Assert.True(missing.Count == 0, $"the {name} cell page lacks {missing.Count} of {window.Count} points from the pause on, first at " +
                DateTimeOffset.FromUnixTimeMilliseconds((long)missing.FirstOrDefault()).ToString("u"));
        }
        foreach (var p in pages.Append(fresh).Append(healthy)) p.AssertNoProblems("a page of the pause test");
    }

    private static Task<long> UpdatesAsync(BrowserPage p) => p.Page.EvaluateAsync<long>("() => window.twinDashboard.updates()");

    /// <summary>Time of the service's latest state of cell A (the sample's own time), Unix ms.</summary>
    private async Task<double> ServiceStateMsAsync() =>
        (await twin.CellAsync(A)).GetProperty("summary").GetProperty("state").GetProperty("time_unix_ns").GetInt64() / 1e6;

    /// <summary>Time of the state the page's card shows, Unix ms.</summary>
    private static async Task<double> CardMsAsync(BrowserPage p) =>
        double.Parse(await p.Page.GetAttributeAsync("article.card", "data-t") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
}
