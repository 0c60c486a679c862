using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Twin.Dashboard.Tests;

/// <summary>
/// The dashboard while a cell crosses the critical c_Li of 0.40: the card's zone colour flips on a page that stays
/// open, and an operator acknowledges the alarm from the alarms page (recorded in the alarm book and the audit log).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardAlarmTests(DashboardFixture twin, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    /// <summary>Computed colour of <c>--critical: #d62828</c>.</summary>
    private const string CriticalRed = "rgb(214, 40, 40)";

    /// <summary>
    /// Playback speed of cell C in the flip test: its first charge reaches c_Li 0.40 after 23,272 file seconds, about
    /// 26 s after the publisher starts; caution (0.45) lasts about 2.6 s before that.
    /// </summary>
    private const double FlipSpeed = 900;

    private static string CardOf(string cell) => $"article.card[data-key=\"{DashboardFixture.Site}/{cell}\"]";

    [Fact]
    public async Task The_card_turns_critical_red_when_the_lower_bound_of_c_li_falls_below_0_40_without_a_reload()
    {
        const string c = DashboardFixture.CellC;
        Assert.Equal(0, await twin.SamplesAsync(c));
        var page = await BrowserPage.OpenAsync(twin.Viewer, "/");
        await page.WaitLiveAsync();
        var card = page.Page.Locator(CardOf(c));
        Assert.Equal("waiting", await card.GetAttributeAsync("data-zone"));

        // Record every zone the card shows with its c_Li text and border colour at that very moment.
        await page.Page.EvaluateAsync(@"sel => {
            window.__notReloaded = true;
            window.__zones = [];
            const card = document.querySelector(sel);
            const note = () => {
                const z = card.dataset.zone, last = window.__zones[window.__zones.length - 1];
                if (!last || last.zone !== z)
                    window.__zones.push({ zone: z, cli: card.querySelector('[data-f=cli]').textContent,
                        badge: card.querySelector('[data-f=zone]').textContent, border: getComputedStyle(card).borderLeftColor });
            };
            note();
            new MutationObserver(note).observe(card, { attributes: true, attributeFilter: ['data-zone'] });
        }", CardOf(c));

        twin.StartPublisher(c, FlipSpeed);
        await card.Locator("[data-f=cli]").Filter(new() { HasNotText = "—" }).WaitForAsync(new() { Timeout = 20_000 });
        try
        {
            await page.Page.WaitForSelectorAsync(CardOf(c) + "[data-zone=\"caution\"]", new() { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{c} never showed caution; zones seen: {await page.Page.EvaluateAsync<string>("() => JSON.stringify(window.__zones)")}\n{twin.LogTail(15)}");
        }
        await page.ScreenshotAsync("overview-before-flip", output);
        try
        {
            await page.Page.WaitForSelectorAsync(CardOf(c) + "[data-zone=\"critical\"]", new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{c} never showed critical; zones seen: {await page.Page.EvaluateAsync<string>("() => JSON.stringify(window.__zones)")}\n{twin.LogTail(15)}");
        }
        // right after the flip, as Playwright sees it
        string border = await card.EvaluateAsync<string>("el => getComputedStyle(el).borderLeftColor");
        double cLiNow = BrowserPage.Number(await card.Locator("[data-f=cli]").InnerTextAsync(), "c_Li on the card");
        await page.ScreenshotAsync("overview-after-flip", output);

        Assert.True(await page.Page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the overview was reloaded");
        var zones = (await page.Page.EvaluateAsync<JsonElement>("() => window.__zones")).EnumerateArray().ToList();
        string seen = string.Join(" → ", zones.Select(z => $"{z.GetProperty("zone").GetString()} (c_Li {z.GetProperty("cli").GetString()}, {z.GetProperty("border").GetString()})"));
        output.WriteLine("zones seen on the open overview: " + seen);
        Assert.True(zones.Select(z => z.GetProperty("zone").GetString()).SequenceEqual(["waiting", "safe", "caution", "critical"]),
            "the card went through " + seen + ", expected waiting → safe → caution → critical");

        var flip = zones[^1];
        var before = zones[^2];
        Assert.Equal(CriticalRed, flip.GetProperty("border").GetString());
        Assert.True(before.GetProperty("border").GetString() != CriticalRed, $"the border was already {CriticalRed} in caution");
        Assert.Equal("critical", flip.GetProperty("badge").GetString());
        double atFlip = BrowserPage.Number(flip.GetProperty("cli").GetString()!, "c_Li at the flip");
        // Zones follow the lower bound c_Li − 2σ; counted from c_Li0 = 0.80 with Q_Li = 8.732 A·h, σ ≈ 0.0225 near 0.45, so
        // the card (showing c_Li itself) turns critical at c_Li ≈ 0.445 and caution at c_Li ≈ 0.495.
        Assert.True(atFlip is < 0.45 and > 0.435, $"the card turned critical while showing c_Li {atFlip}, expected where c_Li − 2σ crosses 0.40 (≈ 0.445)");
        double cautionAt = BrowserPage.Number(before.GetProperty("cli").GetString()!, "c_Li at caution");
        Assert.True(cautionAt is < 0.497 and >= 0.445, $"the card turned caution at c_Li {cautionAt}, expected where c_Li − 2σ crosses 0.45 (≈ 0.495)");

        Assert.Equal(CriticalRed, border);
        Assert.True(cLiNow < 0.45, $"the critical card shows c_Li {cLiNow}, above where its lower bound crosses the critical limit");
        Assert.Equal("critical", (await twin.CellAsync(c)).GetProperty("summary").GetProperty("zone").GetString());
        page.AssertNoProblems("the overview");
        twin.AssertNoExternalRequests();
    }

    [Fact]
    public async Task An_operator_acknowledges_an_alarm_on_the_alarms_page()
    {
        const string a = DashboardFixture.CellA;
        JsonElement alarm = default;
        await twin.WaitUntilAsync(async () =>
        {
            var found = (await twin.AlarmsAsync()).Where(x => x.GetProperty("cell").GetString() == a).ToList();
            if (found.Count > 0) alarm = found[0];
            return found.Count > 0;
        }, $"an alarm of {a} (its first charge goes below c_Li 0.40)", 90);
        long id = alarm.GetProperty("id").GetInt64();
        Assert.False(alarm.TryGetProperty("acknowledged_by", out var by) && by.ValueKind != JsonValueKind.Null, $"alarm {id} is already acknowledged");

        var page = await BrowserPage.OpenAsync(twin.Operator, "/alarms");
        var row = page.Page.Locator($"#alarms-active tr[data-alarm=\"{id}\"]");
        Assert.True(await row.CountAsync() == 1, $"alarm {id} of {a} is not among the active alarms:\n{await page.Page.InnerTextAsync("#alarm-tables")}");
        string stateBefore = await row.GetAttributeAsync("data-state") ?? "";
        Assert.True(stateBefore is "active" or "cleared", $"alarm {id} is '{stateBefore}' before its acknowledgement");
        Assert.Contains($"{DashboardFixture.Site}/{a}", await row.InnerTextAsync());
        await page.ScreenshotAsync("alarms-before-ack", output);

        string note = $"beam checked, charge {id} continues";
        await row.Locator("input[name=note]").FillAsync(note);
        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await page.Page.WaitForURLAsync(u => u.Contains($"acked={id}", StringComparison.Ordinal));

        var acked = page.Page.Locator($"tr[data-alarm=\"{id}\"]");
        Assert.Equal(1, await acked.CountAsync());
        string stateAfter = await acked.GetAttributeAsync("data-state") ?? "";
        Assert.True(stateAfter is "acknowledged" or "closed", $"alarm {id} is '{stateAfter}' after its acknowledgement");
        string text = await acked.InnerTextAsync();
        Assert.True(text.Contains(DashboardFixture.OperatorName, StringComparison.Ordinal) && text.Contains(note, StringComparison.Ordinal),
            $"the acknowledged row does not show '{DashboardFixture.OperatorName}' and the note: {text}");
        Assert.Equal(0, await page.Page.Locator($"#alarms-active tr[data-alarm=\"{id}\"]").CountAsync());
        Assert.Contains($"Alarm {id} acknowledged", await page.Page.InnerTextAsync("main"));
        await page.ScreenshotAsync("alarms-after-ack", output);
        page.AssertNoProblems("the alarms page");

        var stored = (await twin.AlarmsAsync()).Single(x => x.GetProperty("id").GetInt64() == id);
        Assert.Equal(DashboardFixture.OperatorName, stored.GetProperty("acknowledged_by").GetString());
        Assert.Equal(note, stored.GetProperty("note").GetString());

        var audit = await BrowserPage.OpenAsync(twin.Viewer, "/audit");
        var entry = audit.Page.Locator("table.audit tbody tr").Filter(new() { HasText = $"alarm/{id}" });
        Assert.True(await entry.CountAsync() == 1, $"the audit page does not list the acknowledgement of alarm {id}:\n{await audit.Page.InnerTextAsync("main")}");
        var cells = await entry.Locator("td").AllInnerTextsAsync();
        Assert.Equal(DashboardFixture.OperatorName, cells[1]);
        Assert.Equal("acknowledge", cells[3]);
        Assert.Contains(note, cells[5]);
        twin.AssertNoExternalRequests();
    }
}
