using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Twin.Data.Export;

namespace Twin.Report.Tests;

public class ReportHtmlWriterTests
{
    private const string Nasty = "cell </script><script>alert(1)</script> <b>A&B</b> \"q\" 'x' </SCRIPT";

    private static ReportData Small(string title = "cell-7.csv", IReadOnlyList<IReadOnlyList<string>>? rows = null) => new(
        title,
        "NMC811",
        [new ReportPoint(0, 3.6, 0.002, 0.95, 2.87, 14.22, 14.22 / 3), new ReportPoint(3600, 4.3, 0.002, 0.38, 2.82, 14.45, 14.45 / 3), new ReportPoint(7200, 3.9, double.NaN, double.NaN, 2.84, 14.3, 14.3 / 3)],
        [new ZoneSpan(0, 1800, "safe"), new ZoneSpan(1800, 2400, "caution"), new ZoneSpan(2400, 3900, "critical"), new ZoneSpan(3900, 7200, "safe")],
        SyntheticReport.Curves(),
        0.40,
        0.45,
        0.32,
        rows ?? [["Cycle", "min c_Li"], ["1", "0.380"]]);

    private static string DataJson(string html)
    {
        Match m = Regex.Match(html, "<script type=\"application/json\" id=\"data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(m.Success, "the JSON data block is present");
        return m.Groups[1].Value;
    }

    [Fact]
    public void Page_is_one_self_contained_document()
    {
        string html = ReportHtmlWriter.ToHtml(Small());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("var uPlot=", html); // uPlot inlined
        Assert.Contains(".uplot", html); // uPlot CSS inlined
        Assert.Contains("drawClear", html); // report script inlined
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("<script[^>]*\\ssrc=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex("<img[^>]*\\ssrc=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("{{", html); // every placeholder filled
        Assert.Contains("Content-Security-Policy", html);
        Assert.Contains("Permission is hereby granted", html); // uPlot's MIT licence travels with it
        Assert.Equal(3, Regex.Matches(html, "</script>", RegexOptions.IgnoreCase).Count);
    }

    [Fact]
    public void No_external_url_except_uplots_own_banner()
    {
        string html = ReportHtmlWriter.ToHtml(SyntheticReport.Build());
        string banner = $"/*! https://github.com/leeoniya/uPlot (v{ReportHtmlWriter.UplotVersion}) */";
        Assert.Equal(1, CountOf(html, banner)); // the only URL in the page: uPlot's attribution comment
        string rest = html.Replace(banner, "", StringComparison.Ordinal);
        foreach (string bad in new[] { "http://", "https://", "//cdn", "@import", "@font-face", "url(", "ftp://", "ws://", "wss://" })
            Assert.False(rest.Contains(bad, StringComparison.OrdinalIgnoreCase), $"the page contains '{bad}'");
    }

    [Fact]
    public void Text_is_html_escaped_and_json_cannot_break_out()
    {
        var rows = new List<IReadOnlyList<string>> { new[] { "Cycle", "<th>note" }, new[] { "1", Nasty }, new[] { "2" } };
        string html = ReportHtmlWriter.ToHtml(Small(Nasty, rows));

        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.DoesNotContain("<b>A&B</b>", html);
        Assert.Contains("<h1>cell &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;A&amp;B&lt;/b&gt; &quot;q&quot; &#39;x&#39; &lt;/SCRIPT</h1>", html);
        Assert.Contains("<title>cell &lt;/script&gt;", html);
        Assert.Contains("<th>&lt;th&gt;note</th>", html);
        Assert.Contains("<td>2</td><td></td>", html); // short rows are padded

        string json = DataJson(html);
        Assert.DoesNotContain("</", json);
        Assert.DoesNotContain("<", json);
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal(Nasty, doc.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public void The_c_li_sigma_and_counted_c_li_are_in_the_data_for_the_band()
    {
        ReportData data = Small() with
        {
            Points = [new ReportPoint(0, 3.6, 0.002, 0.95, 2.87, 14.22, 14.22 / 3, 0.02, 0.95), new ReportPoint(3600, 4.3, 0.002, 0.38, 2.82, 14.45, 14.45 / 3, 0.025, 0.41),
                      new ReportPoint(7200, 3.9, 0.001, 0.5, 2.84, 14.3, 14.3 / 3)],
        };
        using JsonDocument doc = JsonDocument.Parse(DataJson(ReportHtmlWriter.ToHtml(data)));
        JsonElement pts = doc.RootElement.GetProperty("points");
        Assert.Equal(0.025, pts.GetProperty("cli_sigma")[1].GetDouble(), 6);
        Assert.Equal(0.41, pts.GetProperty("cli_counted")[1].GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, pts.GetProperty("cli_sigma")[2].ValueKind); // not known: no band there
        Assert.Equal(JsonValueKind.Null, pts.GetProperty("cli_counted")[2].ValueKind);
    }

    [Fact]
    public void Data_is_embedded_as_columns()
    {
        ReportData data = Small();
        string html = ReportHtmlWriter.ToHtml(data);
        using JsonDocument doc = JsonDocument.Parse(DataJson(html));
        JsonElement root = doc.RootElement;

        Assert.Equal("NMC811", root.GetProperty("material").GetString());
        Assert.Equal(0.40, root.GetProperty("limits").GetProperty("critical").GetDouble());
        Assert.Equal(0.45, root.GetProperty("limits").GetProperty("caution").GetDouble());
        Assert.Equal(0.32, root.GetProperty("limits").GetProperty("deep").GetDouble());

        JsonElement pts = root.GetProperty("points");
        foreach (string col in new[] { "t", "v", "i", "cli", "a", "c", "dil" })
            Assert.Equal(3, pts.GetProperty(col).GetArrayLength());
        Assert.Equal(3600, pts.GetProperty("t")[1].GetDouble());
        Assert.Equal(0.38, pts.GetProperty("cli")[1].GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, pts.GetProperty("cli")[2].ValueKind); // NaN becomes a gap
        Assert.Equal(JsonValueKind.Null, pts.GetProperty("i")[2].ValueKind);

        JsonElement zones = root.GetProperty("zones");
        Assert.Equal(4, zones.GetProperty("start").GetArrayLength());
        Assert.Equal("critical", zones.GetProperty("zone")[2].GetString());
        Assert.Equal(3900, zones.GetProperty("end")[2].GetDouble());

        JsonElement curves = root.GetProperty("curves");
        Assert.Equal(data.Curves.CLi.Length, curves.GetProperty("cli").GetArrayLength());
        Assert.Equal(data.Curves.CA[80], curves.GetProperty("c")[80].GetDouble(), 4);
    }

    [Fact]
    public void Header_shows_summary_counts()
    {
        string html = ReportHtmlWriter.ToHtml(Small());
        Assert.Contains("<dt>Points plotted</dt><dd>3</dd>", html);
        Assert.Contains("<dt>Cycles</dt><dd>1</dd>", html);
        Assert.Contains("<div class=\"card alert\"><dt>Minimum c_Li</dt><dd>0.380 @ 1.0 h</dd>", html);
        Assert.Contains("<dt>Time below 0.40</dt><dd>0.42 h</dd>", html);
        Assert.Contains("<dt>Excursions below 0.40</dt><dd>1</dd>", html);
        Assert.Contains("NMC811", html);
    }

    [Fact]
    public void Stream_overload_writes_utf8_without_bom_and_leaves_the_stream_open()
    {
        using var ms = new MemoryStream();
        ReportHtmlWriter.Write(ms, Small("Å-cell"));
        Assert.True(ms.CanWrite);
        byte[] bytes = ms.ToArray();
        Assert.Equal((byte)'<', bytes[0]);
        string html = Encoding.UTF8.GetString(bytes);
        Assert.Contains("<h1>Å-cell</h1>", html);
        Assert.Equal(ReportHtmlWriter.ToHtml(Small("Å-cell")), html);
    }

    [Fact]
    public void Empty_report_still_renders()
    {
        var data = new ReportData("", "LNO", [], [], new ModelCurves([], [], [], []), 0.40, 0.45, 0.32, []);
        string html = ReportHtmlWriter.ToHtml(data);
        Assert.Contains("<h1>Replay report</h1>", html);
        Assert.Contains("No per-cycle summary.", html);
        using JsonDocument doc = JsonDocument.Parse(DataJson(html));
        Assert.Equal(0, doc.RootElement.GetProperty("points").GetProperty("t").GetArrayLength());
    }

    [Fact]
    public void Invalid_input_is_rejected()
    {
        var bad = Small() with { Curves = new ModelCurves([0.3, 0.5], [2.8], [14.4, 14.3], [4.8, 4.77]) };
        Assert.Throws<ArgumentException>(() => ReportHtmlWriter.ToHtml(bad));
        Assert.Throws<ArgumentNullException>(() => ReportHtmlWriter.ToHtml(null!));
        Assert.Throws<ArgumentNullException>(() => ReportHtmlWriter.Write((Stream)null!, Small()));
    }

    [Fact]
    public void WriteFile_creates_the_directory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "twin-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "sub", "report.html");
            ReportHtmlWriter.WriteFile(path, Small());
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static int CountOf(string haystack, string needle)
    {
        int count = 0;
        for (int i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + needle.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
