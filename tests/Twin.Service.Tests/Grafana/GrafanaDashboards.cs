using System.Text.Json;

namespace Twin.Service.Tests.Grafana;

/// <summary>Where a query sits in a dashboard: a panel target, a template variable or an annotation.</summary>
public enum GrafanaQueryKind
{
    Panel,
    Variable,
    Annotation,
}

/// <summary>One InfluxQL query of a dashboard, as written in the JSON (macros and variables not yet expanded).</summary>
/// <param name="Dashboard">Dashboard title.</param>
/// <param name="Kind">Where the query sits.</param>
/// <param name="Owner">Panel title, variable name or annotation name.</param>
/// <param name="RefId">Target refId (panels), else empty.</param>
/// <param name="Query">The raw InfluxQL.</param>
public sealed record GrafanaQuery(string Dashboard, GrafanaQueryKind Kind, string Owner, string RefId, string Query)
{
    public override string ToString() => $"dashboard '{Dashboard}', {Kind.ToString().ToLowerInvariant()} '{Owner}'{(RefId.Length > 0 ? " " + RefId : "")}";
}

/// <summary>A template variable of a dashboard.</summary>
/// <param name="Name">Name, used as <c>$name</c>.</param>
/// <param name="Query">Its InfluxQL (SHOW TAG VALUES …).</param>
/// <param name="MultiOrAll">True when it allows several values or "All" (Grafana then writes a regex group).</param>
public sealed record GrafanaVariable(string Name, string Query, bool MultiOrAll);

/// <summary>A dashboard file of dashboards/grafana/dashboards.</summary>
public sealed class GrafanaDashboard
{
    private GrafanaDashboard(string path, JsonElement root)
    {
        Path = path;
        Root = root;
        Title = root.GetProperty("title").GetString() ?? "";
    }

    public string Path { get; }

    public JsonElement Root { get; }

    public string Title { get; }

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string GrafanaRoot => System.IO.Path.Combine(RepoRoot, "dashboards", "grafana");

    public static IReadOnlyList<GrafanaDashboard> LoadAll()
    {
        var files = System.IO.Directory.GetFiles(System.IO.Path.Combine(GrafanaRoot, "dashboards"), "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return files.Select(f =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(f));
            return new GrafanaDashboard(f, doc.RootElement.Clone());
        }).ToList();
    }

    /// <summary>Every panel, rows' nested panels included.</summary>
    public IEnumerable<JsonElement> Panels()
    {
        if (!Root.TryGetProperty("panels", out var panels)) yield break;
        foreach (var p in Walk(panels)) yield return p;

        static IEnumerable<JsonElement> Walk(JsonElement list)
        {
            foreach (var p in list.EnumerateArray())
            {
                yield return p;
                if (p.TryGetProperty("panels", out var nested))
                    foreach (var n in Walk(nested)) yield return n;
            }
        }
    }

    public IReadOnlyList<GrafanaVariable> Variables()
    {
        var list = new List<GrafanaVariable>();
        if (!Root.TryGetProperty("templating", out var t) || !t.TryGetProperty("list", out var vars)) return list;
        foreach (var v in vars.EnumerateArray())
        {
            if (v.GetProperty("type").GetString() != "query") continue;
            var q = v.GetProperty("query");
            string query = q.ValueKind == JsonValueKind.String ? q.GetString()! : q.GetProperty("query").GetString()!;
            bool multi = Bool(v, "multi") || Bool(v, "includeAll");
            list.Add(new GrafanaVariable(v.GetProperty("name").GetString()!, query, multi));
        }
        return list;
    }

    /// <summary>The queries of panel targets and annotations (the built-in Grafana annotation has none).</summary>
    public IReadOnlyList<GrafanaQuery> Queries()
    {
        var list = new List<GrafanaQuery>();
        foreach (var p in Panels())
        {
            if (!p.TryGetProperty("targets", out var targets)) continue;
            string title = p.GetProperty("title").GetString() ?? "";
            foreach (var t in targets.EnumerateArray())
                list.Add(new GrafanaQuery(Title, GrafanaQueryKind.Panel, title, t.GetProperty("refId").GetString() ?? "", t.GetProperty("query").GetString() ?? ""));
        }
        foreach (var a in Annotations())
        {
            if (Bool(a, "builtIn")) continue;
            string? query = a.TryGetProperty("query", out var q) ? q.GetString()
                : a.TryGetProperty("target", out var t) && t.TryGetProperty("query", out var tq) ? tq.GetString() : null;
            list.Add(new GrafanaQuery(Title, GrafanaQueryKind.Annotation, a.GetProperty("name").GetString() ?? "", "", query ?? ""));
        }
        return list;
    }

    public IEnumerable<JsonElement> Annotations() =>
        Root.TryGetProperty("annotations", out var a) && a.TryGetProperty("list", out var list) ? list.EnumerateArray() : [];

    /// <summary>Every datasource reference of the dashboard with where it is, except the built-in Grafana annotation's.</summary>
    public IEnumerable<(string Where, JsonElement Datasource)> DatasourceReferences()
    {
        foreach (var p in Panels())
        {
            if (p.GetProperty("type").GetString() == "row") continue;
            string title = p.GetProperty("title").GetString() ?? "";
            yield return ($"panel '{title}'", p.TryGetProperty("datasource", out var ds) ? ds : default);
            if (p.TryGetProperty("targets", out var targets))
                foreach (var t in targets.EnumerateArray())
                    yield return ($"panel '{title}' target {t.GetProperty("refId").GetString()}", t.TryGetProperty("datasource", out var tds) ? tds : default);
        }
        if (Root.TryGetProperty("templating", out var tpl))
            foreach (var v in tpl.GetProperty("list").EnumerateArray())
                yield return ($"variable '{v.GetProperty("name").GetString()}'", v.TryGetProperty("datasource", out var vds) ? vds : default);
        foreach (var a in Annotations())
            if (!Bool(a, "builtIn"))
                yield return ($"annotation '{a.GetProperty("name").GetString()}'", a.TryGetProperty("datasource", out var ads) ? ads : default);
    }

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.Number && v.GetInt32() != 0));

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(System.IO.Path.Combine(d.FullName, "Twin.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Twin.sln not found above " + AppContext.BaseDirectory);
    }
}
