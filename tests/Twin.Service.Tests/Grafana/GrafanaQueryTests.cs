using System.Text;
using System.Text.Json;
using Twin.Testing.Influx;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Twin.Service.Tests.Grafana;

/// <summary>
/// Every InfluxQL query of the Grafana dashboards (panel targets, template variables, annotations), with its
/// macros and variables expanded as Grafana does, returns rows from a real InfluxDB written by the service.
/// </summary>
public sealed class GrafanaQueryTests(TwinInfluxData data, ITestOutputHelper output) : IClassFixture<TwinInfluxData>
{
    /// <summary>The cell the single-cell dashboard shows.</summary>
    private static readonly (string Site, string Cell) Selected = TwinInfluxData.Cells[0];

    private IEnumerable<GrafanaTimeRange> Ranges()
    {
        yield return GrafanaTimeRange.Relative("7d", "10m", 600_000);
        long from = data.FirstUnixNs / 1_000_000 - 60_000, to = data.LastUnixNs / 1_000_000 + 60_000;
        yield return GrafanaTimeRange.Absolute(from, to, "1m", 60_000);
    }

    [Fact]
    public async Task Every_dashboard_query_returns_rows_from_data_the_service_wrote()
    {
        var failures = new List<string>();
        int run = 0;
        output.WriteLine($"{TwinInfluxData.Cells.Length} cells, {data.SamplesPerCell} samples, {data.TransitionsPerCell.Count} transitions and {data.PatternsPerCell} patterns each");
        foreach (var dashboard in GrafanaDashboard.LoadAll())
        {
            foreach (var range in Ranges())
            {
                var variables = await ResolveVariablesAsync(dashboard, range, failures);
                if (variables is null) continue;
                run += dashboard.Variables().Count;
                bool allCells = dashboard.Variables().Any(v => v.Name == "cell" && v.MultiOrAll);
                foreach (var q in dashboard.Queries())
                {
                    run++;
                    var (series, error, expanded) = await RunAsync(q.Query, range, variables);
                    string where = $"{q} ({range.Name})\n  query:    {q.Query}\n  expanded: {expanded}";
                    output.WriteLine($"{series.Sum(s => s.Values.Count),6} rows, {series.Count,2} series: {q} ({range.Name})");
                    if (error is not null) failures.Add($"{where}\n  error: {error}");
                    else if (series.Sum(s => s.Values.Count) == 0) failures.Add($"{where}\n  returned no rows");
                    else if (allCells && MissingCells(series) is { Count: > 0 } missing)
                        failures.Add($"{where}\n  has no rows of cell(s) {string.Join(", ", missing)}");
                    else if (EmptyColumns(series) is { Count: > 0 } empty)
                        failures.Add($"{where}\n  column(s) {string.Join(", ", empty)} null in every row (no such field or tag?)");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {run} dashboard queries failed:\n" + string.Join("\n\n", failures));
        Assert.True(run >= 30, $"only {run} queries found");
    }

    [Fact]
    public async Task Per_cycle_summary_shows_each_cycle_below_the_critical_limit()
    {
        var dashboard = GrafanaDashboard.LoadAll().Single(d => d.Title == "Twin cell");
        var range = Ranges().First();
        var q = dashboard.Queries().Single(q => q.Owner == "Per-cycle summary");
        var rows = await data.Influx.QueryRowsAsync(GrafanaMacros.Expand(q.Query, range, await VariablesAsync(dashboard, range)));
        // What the panel's "Group by cycle" transformation shows.
        var perCycle = rows.GroupBy(r => r.GetInt64("cycle")!.Value).OrderBy(g => g.Key)
            .Select(g => (Cycle: g.Key, Min: g.Min(r => r.GetDouble("c_li_min")!.Value))).ToList();
        output.WriteLine("cycle, minimum c_Li: " + string.Join("; ", perCycle.Select(c => $"{c.Cycle}, {c.Min:F3}")));
        Assert.True(perCycle.Count(c => c.Min < 0.40) >= 2, "per-cycle minimum c_Li: " + string.Join(", ", perCycle));
    }

    [Fact]
    public async Task Alarm_and_pattern_tables_show_what_the_service_stored()
    {
        var range = Ranges().Last();
        var overview = GrafanaDashboard.LoadAll().Single(d => d.Title == "Twin overview");
        var alarms = await data.Influx.QueryRowsAsync(GrafanaMacros.Expand(
            overview.Queries().Single(q => q.Kind == GrafanaQueryKind.Panel && q.Owner == "Alarm transitions").Query, range,
            await VariablesAsync(overview, range)));
        Assert.Equal(data.TransitionsPerCell.Count * TwinInfluxData.Cells.Length, alarms.Count);
        foreach (var (site, cell) in TwinInfluxData.Cells)
        {
            var mine = alarms.Where(r => r.GetString("cell") == cell).OrderBy(r => r.TimeNs).ToList();
            Assert.All(mine, r => Assert.Equal(site, r.GetString("site")));
            Assert.Equal(data.TransitionsPerCell, mine.Select(r => (r.GetString("from")!, r.GetString("to")!)).ToList());
            Assert.True(mine.Count(r => r.GetString("to") == "critical") >= 2);
        }

        var cellDashboard = GrafanaDashboard.LoadAll().Single(d => d.Title == "Twin cell");
        var patterns = await data.Influx.QueryRowsAsync(GrafanaMacros.Expand(
            cellDashboard.Queries().Single(q => q.Kind == GrafanaQueryKind.Panel && q.Owner == "Diffraction patterns").Query, range,
            await VariablesAsync(cellDashboard, range)));
        Assert.Equal(data.PatternsPerCell, patterns.Count);
        Assert.All(patterns, p =>
        {
            Assert.StartsWith($"{Selected.Cell}-xrd-", p.GetString("pattern_id"));
            Assert.InRange(p.GetDouble("c_li_mid")!.Value, 0.2, 0.9);
            Assert.Equal(10.0, p.GetDouble("exposure_s")!.Value);
            Assert.StartsWith("file:///data/", p.GetString("uri"));
            Assert.Equal("pilatus", p.GetString("detector"));
        });
        Assert.True(patterns.Zip(patterns.Skip(1)).All(p => p.First.TimeNs > p.Second.TimeNs), "patterns are listed newest first");
    }

    private async Task<Dictionary<string, string>> VariablesAsync(GrafanaDashboard dashboard, GrafanaTimeRange range)
    {
        var failures = new List<string>();
        var values = await ResolveVariablesAsync(dashboard, range, failures);
        Assert.True(values is not null && failures.Count == 0, string.Join("\n\n", failures));
        return values;
    }

    /// <summary>Runs the dashboard's variable queries in order (later ones may use earlier ones) and picks values:
    /// all of them for multi-value variables, <see cref="Selected"/> for single ones. Null when one fails.</summary>
    private async Task<Dictionary<string, string>?> ResolveVariablesAsync(GrafanaDashboard dashboard, GrafanaTimeRange range, List<string> failures)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in dashboard.Variables())
        {
            var where = new GrafanaQuery(dashboard.Title, GrafanaQueryKind.Variable, v.Name, "", v.Query);
            var (series, error, expanded) = await RunAsync(v.Query, range, values);
            var found = series.SelectMany(s => s.Rows()).Select(r => r.GetString("value")).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            string header = $"{where} ({range.Name})\n  query:    {v.Query}\n  expanded: {expanded}";
            if (error is not null)
            {
                failures.Add($"{header}\n  error: {error}");
                return null;
            }
            if (found.Count == 0)
            {
                failures.Add($"{header}\n  returned no values");
                return null;
            }
            string? preferred = v.Name switch { "site" => Selected.Site, "cell" => Selected.Cell, _ => null };
            if (v.MultiOrAll)
            {
                values[v.Name] = GrafanaMacros.VariableValue(v, found);
            }
            else if (preferred is not null && found.Contains(preferred))
            {
                values[v.Name] = GrafanaMacros.VariableValue(v, [preferred]);
            }
            else
            {
                failures.Add($"{header}\n  returned {string.Join(", ", found)}, not '{preferred}'");
                return null;
            }
            var expected = v.Name switch
            {
                "site" => TwinInfluxData.Cells.Select(c => c.Site),
                "cell" when v.MultiOrAll => TwinInfluxData.Cells.Select(c => c.Cell),
                "cell" => TwinInfluxData.Cells.Where(c => c.Site == Selected.Site).Select(c => c.Cell),
                _ => found,
            };
            if (!expected.Distinct().Order(StringComparer.Ordinal).SequenceEqual(found))
                failures.Add($"{header}\n  returned {string.Join(", ", found)}, expected {string.Join(", ", expected.Distinct().Order())}");
        }
        return values;
    }

    private async Task<(IReadOnlyList<InfluxSeries> Series, string? Error, string Expanded)> RunAsync(
        string query, GrafanaTimeRange range, IReadOnlyDictionary<string, string> variables)
    {
        string expanded = query;
        try
        {
            expanded = GrafanaMacros.Expand(query, range, variables);
            return (await data.Influx.QueryAsync(expanded), null, expanded);
        }
        catch (InvalidOperationException e)
        {
            return ([], e.Message, expanded);
        }
    }

    /// <summary>Columns (other than time) without a value in any row: a misspelt field or tag gives a column of nulls.</summary>
    private static List<string> EmptyColumns(IReadOnlyList<InfluxSeries> series) =>
        series.SelectMany(s => s.Columns.Select((c, i) => (Column: c, Filled: s.Values.Any(v => i < v.Count && v[i].ValueKind != JsonValueKind.Null))))
            .GroupBy(x => x.Column).Where(g => g.Key != "time" && !g.Any(x => x.Filled)).Select(g => g.Key).ToList();

    /// <summary>The cells that appear neither as a series tag nor in a "cell" column.</summary>
    private static List<string> MissingCells(IReadOnlyList<InfluxSeries> series)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in series)
        {
            if (s.Tags.TryGetValue("cell", out var tag)) seen.Add(tag);
            foreach (var r in s.Rows())
                if (r.GetString("cell") is { } c) seen.Add(c);
        }
        return TwinInfluxData.Cells.Select(c => c.Cell).Where(c => !seen.Contains(c)).ToList();
    }
}

/// <summary>The provisioning files parse as Grafana expects them and the dashboards use the provisioned datasource.</summary>
public sealed class GrafanaProvisioningTests
{
    private static YamlMappingNode LoadYaml(string relative)
    {
        string path = Path.Combine(GrafanaDashboard.GrafanaRoot, "provisioning", relative);
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, Encoding.UTF8)) stream.Load(reader);
        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? Assert.IsType<YamlScalarNode>(v).Value ?? "" : throw new KeyNotFoundException(key);

    private static YamlMappingNode Map(YamlMappingNode node, string key) => Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

    private static YamlMappingNode ProvisionedDatasource()
    {
        var root = LoadYaml(Path.Combine("datasources", "influxdb.yaml"));
        Assert.Equal("1", Scalar(root, "apiVersion"));
        var list = Assert.IsType<YamlSequenceNode>(root.Children[new YamlScalarNode("datasources")]);
        return Assert.IsType<YamlMappingNode>(Assert.Single(list.Children));
    }

    [Fact]
    public void Datasource_provisioning_is_influxql_on_database_twin_with_the_url_from_the_environment()
    {
        var ds = ProvisionedDatasource();
        Assert.Equal("twin-influxdb", Scalar(ds, "uid"));
        Assert.Equal("influxdb", Scalar(ds, "type"));
        Assert.Equal("proxy", Scalar(ds, "access"));
        Assert.Equal("$TWIN_INFLUX_URL", Scalar(ds, "url"));
        var json = Map(ds, "jsonData");
        Assert.Equal("InfluxQL", Scalar(json, "version"));
        Assert.Equal("twin", Scalar(json, "dbName"));
        Assert.Equal("twin", Scalar(ds, "database"));
    }

    [Fact]
    public void Dashboard_provider_reads_files_from_an_absolute_folder()
    {
        var root = LoadYaml(Path.Combine("dashboards", "twin.yaml"));
        Assert.Equal("1", Scalar(root, "apiVersion"));
        var provider = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(root.Children[new YamlScalarNode("providers")]).Children));
        Assert.Equal("file", Scalar(provider, "type"));
        string path = Scalar(Map(provider, "options"), "path");
        Assert.Equal("/var/lib/grafana/dashboards/twin", path);
        Assert.Contains(path, File.ReadAllText(Path.Combine(GrafanaDashboard.GrafanaRoot, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_panel_variable_and_annotation_uses_the_provisioned_datasource()
    {
        string uid = Scalar(ProvisionedDatasource(), "uid");
        var problems = new List<string>();
        foreach (var d in GrafanaDashboard.LoadAll())
        {
            foreach (var (where, ds) in d.DatasourceReferences())
            {
                if (ds.ValueKind != JsonValueKind.Object || !ds.TryGetProperty("uid", out var u) || u.GetString() != uid
                    || !ds.TryGetProperty("type", out var t) || t.GetString() != "influxdb")
                    problems.Add($"dashboard '{d.Title}', {where}: datasource {(ds.ValueKind == JsonValueKind.Undefined ? "missing" : ds.GetRawText())}, expected {{\"type\":\"influxdb\",\"uid\":\"{uid}\"}}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dashboards_are_grafana_json_with_raw_influxql_targets_and_unique_ids()
    {
        var dashboards = GrafanaDashboard.LoadAll();
        Assert.Contains(dashboards, d => d.Title == "Twin overview");
        Assert.Contains(dashboards, d => d.Title == "Twin cell");
        Assert.Equal(dashboards.Count, dashboards.Select(d => d.Root.GetProperty("uid").GetString()).Distinct().Count());
        foreach (var d in dashboards)
        {
            Assert.InRange(d.Root.GetProperty("schemaVersion").GetInt32(), 36, 41);
            var ids = d.Panels().Select(p => p.GetProperty("id").GetInt32()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            foreach (var p in d.Panels().Where(p => p.TryGetProperty("targets", out _)))
            {
                string title = p.GetProperty("title").GetString()!;
                Assert.True(p.TryGetProperty("gridPos", out _), $"{d.Title}/{title}: no gridPos");
                foreach (var t in p.GetProperty("targets").EnumerateArray())
                {
                    Assert.True(t.GetProperty("rawQuery").GetBoolean(), $"{d.Title}/{title}: not a raw InfluxQL target");
                    Assert.Contains(t.GetProperty("resultFormat").GetString(), new[] { "time_series", "table" });
                    string query = t.GetProperty("query").GetString()!;
                    Assert.True(query.Contains("$timeFilter", StringComparison.Ordinal), $"{d.Title}/{title}: no $timeFilter in {query}");
                }
            }
            // A multi-value variable becomes a regex group: it may only be used in a regex match.
            foreach (var v in d.Variables().Where(v => v.MultiOrAll))
                foreach (var q in d.Queries().Select(q => q.Query).Concat(d.Variables().Select(x => x.Query)))
                    Assert.DoesNotContain($"'${v.Name}'", q, StringComparison.Ordinal);
        }
    }
}
