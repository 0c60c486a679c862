using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Twin.Testing;

namespace Twin.Dashboard.Tests;

/// <summary>
/// The dashboard's pages in headless Chromium against a running <c>twin serve</c> fed by <c>twin publish</c>:
/// every page renders for a signed-in user, sign-in is required, live values change without a reload, and only an
/// operator can change a cell's cut-off.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardPagesTests(DashboardFixture twin, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private const string A = DashboardFixture.CellA;
    private const string B = DashboardFixture.CellB;
    private static readonly string[] Zones = ["waiting", "safe", "caution", "critical", "deep"];

    private static string CardOf(string cell) => $"article.card[data-key=\"{DashboardFixture.Site}/{cell}\"]";

    [Fact]
    public async Task Overview_lists_every_configured_cell()
    {
        var page = await BrowserPage.OpenAsync(twin.Viewer, "/");
        await page.WaitLiveAsync();

        var keys = await page.Page.Locator("#overview article.card").EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.key)");
        Assert.True(keys.OrderBy(k => k).SequenceEqual(DashboardFixture.Cells.Select(c => DashboardFixture.Site + "/" + c).OrderBy(k => k)),
            $"overview cards [{string.Join(", ", keys)}] are not the configured cells [{string.Join(", ", DashboardFixture.Cells)}]");
        foreach (string cell in DashboardFixture.Cells)
        {
            var card = page.Page.Locator(CardOf(cell));
            string zone = await card.GetAttributeAsync("data-zone") ?? "";
            Assert.True(Zones.Contains(zone), $"card {cell}: data-zone '{zone}' is not a zone");
            Assert.Equal(cell, await card.Locator("a.cell-name").InnerTextAsync());
            Assert.Equal($"/cells/{DashboardFixture.Site}/{cell}", await card.Locator("a.cell-name").GetAttributeAsync("href"));
        }

        // the fed cell shows a c_Li, the cell nobody feeds still waits for its first sample
        double cLi = BrowserPage.Number(await page.Page.Locator(CardOf(A) + " [data-f=cli]").InnerTextAsync(), $"c_Li of {A}");
        Assert.InRange(cLi, 0.30, 0.95);
        Assert.Equal("waiting", await page.Page.Locator(CardOf(B)).GetAttributeAsync("data-zone"));
        Assert.Equal("—", await page.Page.Locator(CardOf(B) + " [data-f=cli]").InnerTextAsync());
        Assert.Equal($"{DashboardFixture.ViewerName} · viewer", await page.Page.InnerTextAsync("nav.top .user"));

        await page.ScreenshotAsync("overview", output);
        page.AssertNoProblems("the overview");
        twin.AssertNoExternalRequests();
    }

    [Fact]
    public async Task Cell_page_draws_its_charts_and_the_cycles_table()
    {
        await twin.WaitUntilAsync(async () => await twin.SamplesAsync(A) >= 30, $"{A} has 30 samples", 30);
        var page = await BrowserPage.OpenAsync(twin.Viewer, $"/cells/{DashboardFixture.Site}/{A}");

        try
        {
            await page.Page.WaitForFunctionAsync("() => document.querySelectorAll('.uplot canvas').length >= 6", null,
                new PageWaitForFunctionOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            int n = await page.Page.Locator(".uplot canvas").CountAsync();
            Assert.Fail($"the cell page shows {n} uPlot canvases, expected at least 6 (c_Li, V/I, a, c, d_IL, ε_aniso); browser errors:\n{string.Join("\n", page.Problems)}");
        }
        var sizes = await page.Page.Locator(".uplot canvas").EvaluateAllAsync<int[][]>("cs => cs.map(c => [c.width, c.height])");
        Assert.All(sizes, s => Assert.True(s[0] > 200 && s[1] > 100, $"a chart canvas is only {s[0]}×{s[1]} px"));

        // the c_Li line (#1f4e9c) is really drawn on the c_Li chart
        int blue = await page.Page.EvaluateAsync<int>(@"() => {
            const cv = document.querySelector('#chart-cli canvas');
            const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
            let n = 0;
            for (let k = 0; k < px.length; k += 4) if (px[k + 3] > 200 && px[k + 2] > 120 && px[k + 2] > px[k] + 60 && px[k + 2] > px[k + 1] + 40) n++;
            return n;
        }");
        Assert.True(blue > 50, $"only {blue} pixels of the c_Li line on the c_Li chart");

        var rows = page.Page.Locator("#cycles tbody tr");
        Assert.True(await rows.CountAsync() >= 1, "the cycles table has no row although the cell has samples");
        var first = await rows.First.Locator("td").AllInnerTextsAsync();
        Assert.Equal("0", first[0]);
        Assert.True(int.Parse(first[1], System.Globalization.CultureInfo.InvariantCulture) > 0, $"cycle 0 lists {first[1]} samples");
        Assert.Equal(A, (await page.Page.Locator("#cell").GetAttributeAsync("data-key"))?.Split('/')[1]);
        // the lithium inventory: one row per cycle with samples, ending in the diagnosis
        var inventory = await page.Page.Locator("#inventory tbody tr").First.Locator("td").AllInnerTextsAsync();
        Assert.Equal(8, inventory.Count);
        Assert.Equal("0", inventory[0]);
        Assert.Contains(inventory[^1], new[] { "no_measurement", "consistent", "offset_or_shuttle", "active_material_loss", "q_li_configured_too_small", "lithium_inventory_shift" });
        // Q_Li ± σ to the decimal place of σ's second significant digit (rendered on the server, as every value of the page)
        if (inventory[6] != "—") Assert.Matches(@"^\d+(\.\d+)? ± (0\.0*[1-9]\d|[1-9]\.\d|[1-9]\d+)$", inventory[6]);

        // every chart fits inside its box, also after the window got narrower
        const string overflowing = @"() => [...document.querySelectorAll('.chart')].filter(el => {
            const cs = getComputedStyle(el), u = el.querySelector('.uplot');
            return u && u.getBoundingClientRect().width > el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) + 0.5;
        }).map(el => el.id)";
        var wide = await page.Page.EvaluateAsync<string[]>(overflowing);
        Assert.True(wide.Length == 0, "charts wider than their boxes: " + string.Join(", ", wide));
        await page.ScreenshotAsync("cell", output);
        await page.Page.SetViewportSizeAsync(900, 900);
        try
        {
            await page.Page.WaitForFunctionAsync("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth", null,
                new PageWaitForFunctionOptions { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            int sw = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.Fail($"in a 900 px wide window the cell page is {sw} px wide: the charts did not shrink with the window");
        }
        wide = await page.Page.EvaluateAsync<string[]>(overflowing);
        Assert.True(wide.Length == 0, "in a 900 px window, charts wider than their boxes: " + string.Join(", ", wide));
        await page.ScreenshotAsync("cell-900px", output);
        page.AssertNoProblems("the cell page");
        twin.AssertNoExternalRequests();
    }

    [Fact]
    public async Task Alarms_audit_and_settings_pages_render()
    {
        var alarms = await BrowserPage.OpenAsync(twin.Viewer, "/alarms");
        Assert.StartsWith("Alarms", await alarms.Page.InnerTextAsync("h1"));
        foreach (string id in new[] { "alarms-active", "alarms-acked", "alarms-history" })
            Assert.True(await alarms.Page.Locator("#" + id).CountAsync() == 1, $"the alarms page has no #{id}");
        Assert.Equal(0, await alarms.Page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).CountAsync());
        alarms.AssertNoProblems("the alarms page");

        var audit = await BrowserPage.OpenAsync(twin.Viewer, "/audit");
        Assert.StartsWith("Audit log", await audit.Page.InnerTextAsync("h1"));
        var logins = audit.Page.Locator("table.audit tbody tr").Filter(new() { HasText = DashboardFixture.ViewerName }).Filter(new() { HasText = "login" });
        Assert.True(await logins.CountAsync() >= 1, "the audit page does not list the viewer's sign-in:\n" + await audit.Page.InnerTextAsync("main"));
        audit.AssertNoProblems("the audit page");

        var settings = await BrowserPage.OpenAsync(twin.Viewer, $"/cells/{DashboardFixture.Site}/{B}/settings");
        Assert.Equal(1, await settings.Page.Locator("#settings-form").CountAsync());
        Assert.Equal("0.4", await settings.Page.InputValueAsync("#settings-form input[name=c_li_min]"));
        Assert.Equal("0.4", await settings.Page.InputValueAsync("#settings-form input[name=critical]"));
        Assert.True(await settings.Page.IsCheckedAsync("#settings-form input[name=cutoff_enabled]"), "the cut-off by lithium is on by default");
        Assert.Equal(1, await settings.Page.Locator("#settings-save").CountAsync());
        settings.AssertNoProblems("the settings page");
        twin.AssertNoExternalRequests();
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in_and_a_wrong_password_is_refused()
    {
        var context = await twin.NewContextAsync();
        try
        {
            foreach (string path in new[] { "/", "/alarms", $"/cells/{DashboardFixture.Site}/{A}" })
            {
                var p = await BrowserPage.OpenAsync(context, path);
                var url = new Uri(p.Page.Url);
                Assert.True(url.AbsolutePath == "/login", $"an anonymous visitor of {path} ends on {p.Page.Url}, not on /login");
                Assert.Contains("returnUrl=" + Uri.EscapeDataString(path), url.Query, StringComparison.Ordinal);
                Assert.Equal(0, await p.Page.Locator("article.card").CountAsync());
                await p.Page.CloseAsync();
            }

            // nor may such a visitor open a circuit (the pages' live connection); a signed-in viewer may
            var refused = await context.APIRequest.PostAsync("/_blazor/negotiate?negotiateVersion=1");
            Assert.True(refused.Status == 401, $"an anonymous negotiate of a circuit answered {refused.Status}, expected 401");
            var allowed = await twin.Viewer.APIRequest.PostAsync("/_blazor/negotiate?negotiateVersion=1");
            Assert.True(allowed.Status == 200, $"the viewer's negotiate of a circuit answered {allowed.Status}, expected 200");

            var page = await BrowserPage.OpenAsync(context, "/login");
            Assert.Equal(0, await page.Page.Locator("#login-error").CountAsync());
            await page.Page.FillAsync("input[name=user]", DashboardFixture.OperatorName);
            await page.Page.FillAsync("input[name=password]", DashboardFixture.OperatorPassword + "x");
            await page.Page.ClickAsync("#login-submit");
            await page.Page.WaitForSelectorAsync("#login-error");
            Assert.Equal("/login", new Uri(page.Page.Url).AbsolutePath);
            Assert.Contains("Wrong user name or password", await page.Page.InnerTextAsync("#login-error"));
            Assert.Equal("read-only", await page.Page.InnerTextAsync("nav.top .user"));
            // the user name is kept, the password is not, and the cursor waits in the password field
            Assert.Equal(DashboardFixture.OperatorName, await page.Page.InputValueAsync("input[name=user]"));
            Assert.Equal("", await page.Page.InputValueAsync("input[name=password]"));
            Assert.Equal("password", await page.Page.EvaluateAsync<string>("() => document.activeElement.name"));
            await page.ScreenshotAsync("login-refused", output);
            // the sign-in page does not try the live connection a visitor may not open
            Assert.DoesNotContain("no live data", await page.Page.InnerTextAsync("#live-status"));
            page.AssertNoProblems("the sign-in page");

            // still signed out: the overview sends this visitor back to the sign-in page
            await page.Page.GotoAsync("/");
            Assert.Equal("/login", new Uri(page.Page.Url).AbsolutePath);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Live_values_change_without_reloading_the_page()
    {
        var page = await BrowserPage.OpenAsync(twin.Viewer, "/");
        await page.WaitLiveAsync();
        // A mark that a reload would wipe, and an observer of the c_Li text of the fed cell.
        await page.Page.EvaluateAsync(@"sel => {
            window.__notReloaded = true;
            window.__cli = [];
            const el = document.querySelector(sel);
            new MutationObserver(() => window.__cli.push({ text: el.textContent, t: performance.now() }))
                .observe(el, { childList: true, characterData: true, subtree: true });
        }", CardOf(A) + " [data-f=cli]");

        // The file has 2 h rests (12 s at 600×) without a change of c_Li, so look for three changes within any 5 s.
        List<(string Text, double T)> changes = [];
        await Wait.UntilAsync(async () =>
        {
            var raw = await page.Page.EvaluateAsync<JsonElement>("() => window.__cli");
            changes = [.. raw.EnumerateArray().Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("t").GetDouble()))];
            bool seen = false;
            for (int k = 0; k + 2 < changes.Count && !seen; k++) seen = changes[k + 2].T - changes[k].T <= 5000;
            return seen;
        }, $"the c_Li of {A} on the overview to change 3 times within 5 s", TimeSpan.FromSeconds(40),
            () => $"{changes.Count} changes: " + string.Join(", ", changes.Select(c => c.Text)) + "\n" + twin.LogTail(10));
        Assert.True(await page.Page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page was reloaded");
        Assert.True(changes.Select(c => c.Text).Distinct().Count() >= 3, "the c_Li text changed but not to 3 different values");
        foreach (var (text, _) in changes) Assert.InRange(BrowserPage.Number(text, "c_Li on the card"), 0.30, 0.95);

        // what the page shows is what the service computes (within the few samples between the two reads)
        double shown = BrowserPage.Number(await page.Page.InnerTextAsync(CardOf(A) + " [data-f=cli]"), "c_Li on the card");
        double api = (await twin.CellAsync(A)).GetProperty("summary").GetProperty("c_li").GetDouble();
        Assert.True(Math.Abs(shown - api) < 0.02, $"the card shows c_Li {shown}, the REST API {api}");
        // the status line says live; it shows the median lag (whole ms) only for samples stamped in real time, and
        // `twin publish --speed 600` stamps them ahead of the wall clock
        await page.Page.WaitForFunctionAsync("() => document.getElementById('live-status').textContent.startsWith('live')", null,
            new PageWaitForFunctionOptions { Timeout = 10_000 });
        string status = await page.Page.InnerTextAsync("#live-status");
        Assert.Equal("live", status);
        page.AssertNoProblems("the overview");
    }

    [Fact]
    public async Task A_viewer_cannot_change_the_cutoff_and_an_operator_can()
    {
        string settingsPath = $"/cells/{DashboardFixture.Site}/{A}/settings";
        double before = (await twin.CellAsync(A)).GetProperty("limits").GetProperty("c_li_min").GetDouble();
        Assert.Equal(0.40, before, 6);

        // viewer: read-only form
        var viewer = await BrowserPage.OpenAsync(twin.Viewer, settingsPath);
        Assert.True(await viewer.Page.Locator("#settings-readonly").IsVisibleAsync(), "the viewer is not told the settings are read-only");
        var disabled = await viewer.Page.Locator("#settings-form fieldset").EvaluateAllAsync<bool[]>("fs => fs.map(f => f.disabled)");
        Assert.True(disabled.Length >= 1 && disabled.All(d => d), $"fieldsets disabled for the viewer: [{string.Join(", ", disabled)}]");
        Assert.True(await viewer.Page.IsDisabledAsync("#settings-form input[name=c_li_min]"), "the viewer can edit c_li_min");
        Assert.True(await viewer.Page.IsDisabledAsync("#settings-save"), "the viewer's Save button is enabled");
        await viewer.ScreenshotAsync("settings-viewer", output);

        // viewer posts anyway, from the browser, with the form's own antiforgery token
        var post = await viewer.Page.EvaluateAsync<JsonElement>(@"async () => {
            const form = document.getElementById('settings-form');
            const token = form.querySelector('input[name=""__RequestVerificationToken""]');
            const body = new URLSearchParams();
            body.set('__RequestVerificationToken', token ? token.value : '');
            body.set('cutoff_enabled', 'on');
            body.set('c_li_min', '0.30');
            const r = await fetch(form.action, { method: 'POST', body, redirect: 'manual', credentials: 'same-origin' });
            return { status: r.status, token: token ? token.value.length : 0 };
        }");
        Assert.True(post.GetProperty("token").GetInt32() > 20, "the settings form carries no antiforgery token");
        Assert.True(post.GetProperty("status").GetInt32() == 403, $"a viewer's POST to {settingsPath} answered {post.GetProperty("status").GetInt32()}, expected 403");
        double afterViewer = (await twin.CellAsync(A)).GetProperty("limits").GetProperty("c_li_min").GetDouble();
        Assert.True(afterViewer == before, $"c_li_min changed to {afterViewer} after a viewer's refused POST");

        // operator: an overview open in the background, then the form
        var overview = await BrowserPage.OpenAsync(twin.Operator, "/");
        await overview.WaitLiveAsync();
        Assert.StartsWith("c_Li 0.40", await overview.Page.InnerTextAsync(CardOf(A) + " [data-f=cutoff]"));
        var op = await BrowserPage.OpenAsync(twin.Operator, settingsPath);
        Assert.Equal(0, await op.Page.Locator("#settings-readonly").CountAsync());
        Assert.False(await op.Page.IsDisabledAsync("#settings-form input[name=c_li_min]"), "the operator cannot edit c_li_min");
        Assert.Equal("0.4", await op.Page.InputValueAsync("#settings-form input[name=c_li_min]"));
        await op.Page.FillAsync("#settings-form input[name=c_li_min]", "0.44");
        await op.Page.ClickAsync("#settings-save");
        var saved = await op.Page.WaitForSelectorAsync("#settings-saved, #settings-error");
        Assert.True(await saved!.GetAttributeAsync("id") == "settings-saved", "saving c_li_min 0.44 failed: " + await saved.InnerTextAsync());
        string savedText = await saved.InnerTextAsync();
        Assert.Contains("0.44", savedText);
        // only c_li_min changed: the checked box must not switch the cut-off by lithium off
        Assert.DoesNotContain("cutoff_enabled", savedText);
        Assert.True(await op.Page.IsCheckedAsync("#settings-form input[name=cutoff_enabled]"), "saving the form switched the cut-off by lithium off");
        Assert.Equal("0.44", await op.Page.InputValueAsync("#settings-form input[name=c_li_min]"));
        await op.ScreenshotAsync("settings-operator", output);
        op.AssertNoProblems("the operator's settings page");

        double afterOperator = (await twin.CellAsync(A)).GetProperty("limits").GetProperty("c_li_min").GetDouble();
        Assert.Equal(0.44, afterOperator, 6);

        // the open overview follows without a reload (the cell is fed), and a fresh one shows it too
        try
        {
            await overview.Page.WaitForFunctionAsync("sel => document.querySelector(sel).textContent.startsWith('c_Li 0.44')",
                CardOf(A) + " [data-f=cutoff]", new PageWaitForFunctionOptions { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the open overview's cut-off of {A} still shows '{await overview.Page.InnerTextAsync(CardOf(A) + " [data-f=cutoff]")}'");
        }
        var fresh = await BrowserPage.OpenAsync(twin.Operator, "/");
        Assert.StartsWith("c_Li 0.44", await fresh.Page.InnerTextAsync(CardOf(A) + " [data-f=cutoff]"));

        // audited, by the operator
        var audit = await BrowserPage.OpenAsync(twin.Viewer, "/audit");
        var rows = audit.Page.Locator("table.audit tbody tr").Filter(new() { HasText = "settings" }).Filter(new() { HasText = $"{DashboardFixture.Site}/{A}" });
        Assert.True(await rows.CountAsync() == 1, "the audit page does not list exactly one settings change of " + A + ":\n" + await audit.Page.InnerTextAsync("main"));
        var cells = await rows.First.Locator("td").AllInnerTextsAsync();
        Assert.Equal(DashboardFixture.OperatorName, cells[1]);
        Assert.Equal("operator", cells[2]);
        Assert.Contains("0.44", cells[5]);
        twin.AssertNoExternalRequests();
    }

    [Fact]
    public async Task An_open_page_stops_and_asks_to_sign_in_when_its_session_is_signed_out_in_another_tab()
    {
        var context = await twin.SignedInContextAsync(DashboardFixture.ViewerName, DashboardFixture.ViewerPassword);
        try
        {
            var page = await BrowserPage.OpenAsync(context, "/");
            await page.WaitLiveAsync();
            var other = await BrowserPage.OpenAsync(context, "/audit");
            await other.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await other.Page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/login");

            // the open overview's circuit re-checks its session (CircuitSessionRevalidation.Interval) and sends the browser
            // to the sign-in page, which then shows no live data
            var wait = Twin.Dashboard.Auth.CircuitSessionRevalidation.Interval * 4;
            try
            {
                await page.Page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/login", new() { Timeout = (float)wait.TotalMilliseconds });
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the overview of a signed-out session is still at {page.Page.Url} after {wait.TotalSeconds:0} s");
            }
            Assert.Contains("returnUrl=%2F", page.Page.Url, StringComparison.Ordinal);
            Assert.Equal(0, await page.Page.Locator("article.card").CountAsync());
            Assert.Equal("read-only", await page.Page.InnerTextAsync("nav.top .user"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
