using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Twin.Data.Export;

/// <summary>
/// Writes the offline replay report: one self-contained HTML page with inline styles, the inline uPlot chart
/// library, the report data as inline JSON and the report script. The page makes no network request (its
/// Content-Security-Policy forbids it), so it can be mailed, archived and opened anywhere.
/// </summary>
/// <remarks>
/// The page shows a header with summary counts, voltage and current vs time, c_Li vs time over the zone bands
/// with the critical, caution and deep limits, the lattice parameters a, c and d_IL vs c_Li (model curves with
/// the cell's path over them), a zone legend and the per-cycle summary table. Text from <see cref="ReportData"/>
/// is HTML-escaped; in the JSON block every <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> is written as a
/// <c>\uXXXX</c> escape, so no value can close the script element. The assets (uPlot from npm, the template,
/// script and style sheet in dashboards/report) are embedded in this assembly at build time.
/// </remarks>
public static class ReportHtmlWriter
{
    private static readonly Lazy<ReportAssets> Assets = new(ReportAssets.Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Version of the inlined uPlot library, as recorded in its npm package.</summary>
    public static string UplotVersion => Assets.Value.UplotVersion;

    /// <summary>Writes the report as UTF-8 (without byte-order mark) to <paramref name="stream"/>, which is left open.</summary>
    /// <param name="stream">Destination stream.</param>
    /// <param name="data">What the report shows.</param>
    /// <exception cref="ArgumentNullException">An argument or a required member of <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The model curves have arrays of different lengths.</exception>
    public static void Write(Stream stream, ReportData data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new StreamWriter(stream, Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
        Write(writer, data);
        writer.Flush();
    }

    /// <summary>Writes the report to <paramref name="writer"/>. The page declares UTF-8, so write it with a UTF-8 encoding.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="data">What the report shows.</param>
    /// <exception cref="ArgumentNullException">An argument or a required member of <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The model curves have arrays of different lengths.</exception>
    public static void Write(TextWriter writer, ReportData data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate(data);
        ReportAssets assets = Assets.Value;
        string title = string.IsNullOrWhiteSpace(data.Title) ? "Replay report" : data.Title;

        foreach (TemplatePart part in assets.Template)
        {
            if (part.Token is null)
            {
                writer.Write(part.Text);
                continue;
            }

            switch (part.Token)
            {
                case "title": WriteEscaped(writer, title); break;
                case "material": WriteEscaped(writer, data.Material); break;
                case "critical": writer.Write(FormatLimit(data.CriticalCLi)); break;
                case "uplot_version": WriteEscaped(writer, assets.UplotVersion); break;
                case "uplot_license": writer.Write(assets.UplotLicenseComment); break;
                case "uplot_css": writer.Write(assets.UplotCss); break;
                case "report_css": writer.Write(assets.ReportCss); break;
                case "uplot_js": writer.Write(assets.UplotJs); break;
                case "report_js": writer.Write(assets.ReportJs); break;
                case "summary_cards": WriteSummaryCards(writer, data); break;
                case "zone_legend": WriteZoneLegend(writer, data); break;
                case "summary_table": WriteSummaryTable(writer, data.SummaryRows); break;
                case "data_json": WriteDataJson(writer, data, title); break;
                default: throw new InvalidOperationException($"The report template has an unknown placeholder '{part.Token}'.");
            }
        }
    }

    /// <summary>Writes the report to a file (created or overwritten), creating its directory if needed.</summary>
    /// <param name="path">Path of the HTML file.</param>
    /// <param name="data">What the report shows.</param>
    /// <exception cref="ArgumentNullException">An argument or a required member of <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The model curves have arrays of different lengths, or <paramref name="path"/> is empty.</exception>
    public static void WriteFile(string path, ReportData data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate(data);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, data);
    }

    /// <summary>Returns the report as a string.</summary>
    /// <param name="data">What the report shows.</param>
    /// <returns>The complete HTML page.</returns>
    /// <exception cref="ArgumentNullException">A required member of <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The model curves have arrays of different lengths.</exception>
    public static string ToHtml(ReportData data)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, data);
        return writer.ToString();
    }

    // ---- validation ------------------------------------------------------------------------------

    private static void Validate(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(data.Points, "data.Points");
        ArgumentNullException.ThrowIfNull(data.Zones, "data.Zones");
        ArgumentNullException.ThrowIfNull(data.Curves, "data.Curves");
        ArgumentNullException.ThrowIfNull(data.SummaryRows, "data.SummaryRows");
        ModelCurves c = data.Curves;
        ArgumentNullException.ThrowIfNull(c.CLi, "data.Curves.CLi");
        ArgumentNullException.ThrowIfNull(c.AA, "data.Curves.AA");
        ArgumentNullException.ThrowIfNull(c.CA, "data.Curves.CA");
        ArgumentNullException.ThrowIfNull(c.DIlA, "data.Curves.DIlA");
        if (c.AA.Length != c.CLi.Length || c.CA.Length != c.CLi.Length || c.DIlA.Length != c.CLi.Length)
            throw new ArgumentException(
                $"The model curves must have equal lengths (c_Li {c.CLi.Length}, a {c.AA.Length}, c {c.CA.Length}, d_IL {c.DIlA.Length}).",
                nameof(data));
    }

    // ---- HTML fragments --------------------------------------------------------------------------

    private static void WriteSummaryCards(TextWriter w, ReportData data)
    {
        IReadOnlyList<ReportPoint> pts = data.Points;
        double durationH = pts.Count > 1 ? (pts[^1].TimeS - pts[0].TimeS) / 3600.0 : 0.0;

        double minCLi = double.NaN, minCLiTimeS = double.NaN;
        foreach (ReportPoint p in pts)
        {
            if (!double.IsNaN(p.CLi) && (double.IsNaN(minCLi) || p.CLi < minCLi))
            {
                minCLi = p.CLi;
                minCLiTimeS = p.TimeS;
            }
        }

        double belowS = 0, deepS = 0;
        int excursions = 0;
        bool wasBelow = false;
        foreach (ZoneSpan z in data.Zones)
        {
            bool below = z.Zone is "critical" or "deep";
            double len = Math.Max(0, z.EndS - z.StartS);
            if (below) belowS += len;
            if (z.Zone == "deep") deepS += len;
            if (below && !wasBelow) excursions++;
            wasBelow = below;
        }

        int cycles = Math.Max(0, data.SummaryRows.Count - 1);
        bool minAlert = !double.IsNaN(minCLi) && minCLi < data.CriticalCLi;

        Card(w, "Points plotted", pts.Count.ToString(CultureInfo.InvariantCulture), false);
        Card(w, "Duration", Num(durationH, "0.0") + " h", false);
        Card(w, "Cycles", cycles.ToString(CultureInfo.InvariantCulture), false);
        Card(w, "Minimum c_Li", double.IsNaN(minCLi) ? "–" : Num(minCLi, "0.000") + " @ " + Num(minCLiTimeS / 3600.0, "0.0") + " h", minAlert);
        Card(w, "Time below " + FormatLimit(data.CriticalCLi), Num(belowS / 3600.0, "0.00") + " h", belowS > 0);
        Card(w, "Excursions below " + FormatLimit(data.CriticalCLi), excursions.ToString(CultureInfo.InvariantCulture), excursions > 0);
        Card(w, "Time deep (< " + FormatLimit(data.DeepCLi) + ")", Num(deepS / 3600.0, "0.00") + " h", deepS > 0);
    }

    private static void Card(TextWriter w, string label, string value, bool alert)
    {
        w.Write(alert ? "    <div class=\"card alert\"><dt>" : "    <div class=\"card\"><dt>");
        WriteEscaped(w, label);
        w.Write("</dt><dd>");
        WriteEscaped(w, value);
        w.Write("</dd></div>\n");
    }

    private static void WriteZoneLegend(TextWriter w, ReportData data)
    {
        string caution = FormatLimit(data.CautionCLi), critical = FormatLimit(data.CriticalCLi), deep = FormatLimit(data.DeepCLi);
        LegendItem(w, "safe", "Safe", $"c_Li ≥ {caution}");
        LegendItem(w, "caution", "Caution", $"{critical} ≤ c_Li < {caution}");
        LegendItem(w, "critical", "Critical", $"c_Li < {critical} — anisotropic strain grows exponentially");
        LegendItem(w, "deep", "Deep", $"c_Li < {deep} — d_TM plateau");
    }

    private static void LegendItem(TextWriter w, string zone, string name, string range)
    {
        w.Write("      <li><span class=\"swatch ");
        w.Write(zone);
        w.Write("\"></span><strong>");
        WriteEscaped(w, name);
        w.Write("</strong> <span class=\"range\">");
        WriteEscaped(w, range);
        w.Write("</span></li>\n");
    }

    private static void WriteSummaryTable(TextWriter w, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (rows.Count == 0)
        {
            w.Write("    <p class=\"empty\">No per-cycle summary.</p>\n");
            return;
        }

        int columns = 0;
        foreach (IReadOnlyList<string> row in rows) columns = Math.Max(columns, row?.Count ?? 0);

        w.Write("    <div class=\"table-wrap\"><table class=\"summary\">\n      <thead><tr>");
        WriteCells(w, rows[0], columns, "th");
        w.Write("</tr></thead>\n      <tbody>\n");
        for (int r = 1; r < rows.Count; r++)
        {
            w.Write("        <tr>");
            WriteCells(w, rows[r], columns, "td");
            w.Write("</tr>\n");
        }
        w.Write("      </tbody>\n    </table></div>\n");
        if (rows.Count == 1) w.Write("    <p class=\"empty\">No cycles recorded.</p>\n");
    }

    private static void WriteCells(TextWriter w, IReadOnlyList<string>? row, int columns, string tag)
    {
        for (int c = 0; c < columns; c++)
        {
            w.Write('<');
            w.Write(tag);
            w.Write('>');
            if (row is not null && c < row.Count) WriteEscaped(w, row[c] ?? "");
            w.Write("</");
            w.Write(tag);
            w.Write('>');
        }
    }

    /// <summary>HTML-escapes text for element content and quoted attribute values.</summary>
    private static void WriteEscaped(TextWriter w, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            string? entity = text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (entity is null) continue;
            w.Write(text.AsSpan(start, i - start));
            w.Write(entity);
            start = i + 1;
        }
        w.Write(text.AsSpan(start));
    }

    private static string FormatLimit(double value) => Num(value, "0.00##");

    private static string Num(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    // ---- JSON ------------------------------------------------------------------------------------

    private static void WriteDataJson(TextWriter w, ReportData data, string title)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024 + data.Points.Count * 80);
        // The default encoder escapes <, >, &, ' and non-ASCII as \uXXXX, so "</script>" cannot appear in the block.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("title", title);
            json.WriteString("material", data.Material ?? "");

            json.WriteStartObject("limits");
            WriteNumberProperty(json, "critical", data.CriticalCLi);
            WriteNumberProperty(json, "caution", data.CautionCLi);
            WriteNumberProperty(json, "deep", data.DeepCLi);
            json.WriteEndObject();

            IReadOnlyList<ReportPoint> pts = data.Points;
            json.WriteStartObject("points");
            WritePointColumn(json, "t", pts, static p => p.TimeS, "G10");
            WritePointColumn(json, "v", pts, static p => p.VoltageV, "G7");
            WritePointColumn(json, "i", pts, static p => p.CurrentA, "G6");
            WritePointColumn(json, "cli", pts, static p => p.CLi, "G6");
            WritePointColumn(json, "cli_sigma", pts, static p => p.CLiSigma, "G4");
            WritePointColumn(json, "cli_counted", pts, static p => p.CLiCounted, "G6");
            WritePointColumn(json, "a", pts, static p => p.AA, "G7");
            WritePointColumn(json, "c", pts, static p => p.CA, "G7");
            WritePointColumn(json, "dil", pts, static p => p.DIlA, "G7");
            json.WriteEndObject();

            IReadOnlyList<ZoneSpan> zones = data.Zones;
            json.WriteStartObject("zones");
            json.WriteStartArray("start");
            foreach (ZoneSpan z in zones) WriteNumber(json, z.StartS, "G10");
            json.WriteEndArray();
            json.WriteStartArray("end");
            foreach (ZoneSpan z in zones) WriteNumber(json, z.EndS, "G10");
            json.WriteEndArray();
            json.WriteStartArray("zone");
            foreach (ZoneSpan z in zones) json.WriteStringValue(z.Zone ?? "");
            json.WriteEndArray();
            json.WriteEndObject();

            ModelCurves curves = data.Curves;
            json.WriteStartObject("curves");
            WriteArray(json, "cli", curves.CLi, "G6");
            WriteArray(json, "a", curves.AA, "G7");
            WriteArray(json, "c", curves.CA, "G7");
            WriteArray(json, "dil", curves.DIlA, "G7");
            json.WriteEndObject();

            json.WriteEndObject();
        }

        // UTF-8 JSON that is pure ASCII after escaping: widen byte-wise to chars in chunks.
        ReadOnlySpan<byte> bytes = buffer.WrittenSpan;
        char[] chars = ArrayPool<char>.Shared.Rent(8192);
        try
        {
            while (!bytes.IsEmpty)
            {
                int n = Math.Min(bytes.Length, chars.Length);
                int written = Encoding.UTF8.GetChars(bytes[..n], chars);
                w.Write(chars, 0, written);
                bytes = bytes[n..];
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static void WritePointColumn(Utf8JsonWriter json, string name, IReadOnlyList<ReportPoint> pts, Func<ReportPoint, double> select, string format)
    {
        json.WriteStartArray(name);
        for (int i = 0; i < pts.Count; i++) WriteNumber(json, select(pts[i]), format);
        json.WriteEndArray();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, double[] values, string format)
    {
        json.WriteStartArray(name);
        foreach (double v in values) WriteNumber(json, v, format);
        json.WriteEndArray();
    }

    private static void WriteNumberProperty(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        WriteNumber(json, value, "R");
    }

    // A finite number with the given number of significant digits (compact JSON); NaN and infinities become null (a gap).
    private static void WriteNumber(Utf8JsonWriter json, double value, string format)
    {
        if (!double.IsFinite(value))
        {
            json.WriteNullValue();
            return;
        }

        Span<byte> utf8 = stackalloc byte[40];
        if (format == "R" || !value.TryFormat(utf8, out int len, format, CultureInfo.InvariantCulture))
        {
            json.WriteNumberValue(value);
            return;
        }
        json.WriteRawValue(utf8[..len], skipInputValidation: false);
    }

    // ---- embedded assets -------------------------------------------------------------------------

    private readonly record struct TemplatePart(string Text, string? Token);

    private sealed class ReportAssets
    {
        private const string Prefix = "Twin.Report.";

        public required TemplatePart[] Template { get; init; }
        public required string UplotJs { get; init; }
        public required string UplotCss { get; init; }
        public required string UplotLicenseComment { get; init; }
        public required string UplotVersion { get; init; }
        public required string ReportJs { get; init; }
        public required string ReportCss { get; init; }

        public static ReportAssets Load()
        {
            Assembly asm = typeof(ReportHtmlWriter).Assembly;
            string version;
            using (JsonDocument pkg = JsonDocument.Parse(Read(asm, "uPlot.package.json")))
                version = pkg.RootElement.TryGetProperty("version", out JsonElement v) ? v.GetString() ?? "" : "";

            return new ReportAssets
            {
                Template = ParseTemplate(Read(asm, "report.html")),
                UplotJs = ForScript(Read(asm, "uPlot.iife.min.js")),
                UplotCss = ForStyle(Read(asm, "uPlot.min.css")),
                UplotLicenseComment = ForComment(Read(asm, "uPlot.LICENSE")),
                UplotVersion = version,
                ReportJs = ForScript(Read(asm, "report.js")),
                ReportCss = ForStyle(Read(asm, "report.css")),
            };
        }

        private static string Read(Assembly asm, string name)
        {
            using Stream s = asm.GetManifestResourceStream(Prefix + name)
                ?? throw new InvalidOperationException($"The report asset '{Prefix + name}' is not embedded in {asm.GetName().Name}; rebuild Twin.Data (it runs 'npm ci' in dashboards/report).");
            using var reader = new StreamReader(s, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        // Inline scripts and styles must not contain their own end tag; "<\/" means the same inside JS strings and regexes.
        private static string ForScript(string js) => Regex.Replace(js, "</(?=script)", "<\\/", RegexOptions.IgnoreCase);

        private static string ForStyle(string css) => Regex.Replace(css, "</(?=style)", "<\\/", RegexOptions.IgnoreCase);

        // Text inside an HTML comment must not contain "--".
        private static string ForComment(string text) => text.Replace("--", "- -", StringComparison.Ordinal).Trim();

        private static TemplatePart[] ParseTemplate(string html)
        {
            var parts = new List<TemplatePart>();
            int pos = 0;
            foreach (Match m in Regex.Matches(html, @"\{\{([a-z_]+)\}\}"))
            {
                if (m.Index > pos) parts.Add(new TemplatePart(html[pos..m.Index], null));
                parts.Add(new TemplatePart("", m.Groups[1].Value));
                pos = m.Index + m.Length;
            }
            if (pos < html.Length) parts.Add(new TemplatePart(html[pos..], null));
            return parts.ToArray();
        }
    }
}
