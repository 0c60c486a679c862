using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Twin.Service.Tests.Grafana;

/// <summary>A dashboard time range as Grafana's InfluxQL datasource renders it.</summary>
/// <param name="Name">For messages.</param>
/// <param name="TimeFilter">What <c>$timeFilter</c> becomes, e.g. <c>time &gt;= now() - 7d</c>.</param>
/// <param name="Interval">What <c>$__interval</c> becomes, e.g. <c>10m</c>.</param>
/// <param name="IntervalMs">What <c>$__interval_ms</c> becomes.</param>
public sealed record GrafanaTimeRange(string Name, string TimeFilter, string Interval, long IntervalMs)
{
    /// <summary>A range relative to now ("Last N"): <c>time &gt;= now() - {span}</c>.</summary>
    public static GrafanaTimeRange Relative(string span, string interval, long intervalMs) =>
        new($"now-{span} to now", $"time >= now() - {span}", interval, intervalMs);

    /// <summary>An absolute range: <c>time &gt;= {from}ms and time &lt;= {to}ms</c>.</summary>
    public static GrafanaTimeRange Absolute(long fromUnixMs, long toUnixMs, string interval, long intervalMs) =>
        new($"{fromUnixMs}ms to {toUnixMs}ms",
            string.Create(CultureInfo.InvariantCulture, $"time >= {fromUnixMs}ms and time <= {toUnixMs}ms"), interval, intervalMs);
}

/// <summary>Expands Grafana's InfluxQL macros and template variables the way the InfluxDB datasource does.</summary>
public static partial class GrafanaMacros
{
    /// <summary>The value Grafana substitutes for a variable: a regex group <c>(a|b)</c> for multi-value or "All"
    /// variables (used as <c>=~ /^$var$/</c>), else the single selected value.</summary>
    public static string VariableValue(GrafanaVariable variable, IReadOnlyList<string> selected) =>
        variable.MultiOrAll ? "(" + string.Join('|', selected.Select(RegexEscape)) + ")" : selected.Single();

    /// <summary>Expands <c>$timeFilter</c>, <c>$__interval</c>, <c>$__interval_ms</c>, <c>$interval</c> and the variables
    /// (<c>$name</c>, <c>${name}</c>, <c>[[name]]</c>).</summary>
    /// <exception cref="InvalidOperationException">A <c>$…</c> reference is left that nothing defines.</exception>
    public static string Expand(string query, GrafanaTimeRange range, IReadOnlyDictionary<string, string> variables)
    {
        string ms = range.IntervalMs.ToString(CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["timeFilter"] = range.TimeFilter,
            ["__timeFilter"] = range.TimeFilter,
            ["__interval_ms"] = ms,
            ["__interval"] = range.Interval,
            ["interval"] = range.Interval,
        };
        foreach (var (k, v) in variables) values[k] = v;
        string expanded = Reference().Replace(query, m =>
        {
            string name = m.Groups["braced"].Success ? m.Groups["braced"].Value
                : m.Groups["bracketed"].Success ? m.Groups["bracketed"].Value : m.Groups["plain"].Value;
            return values.TryGetValue(name, out var v) ? v
                : throw new InvalidOperationException($"'${name}' is not defined (query: {query})");
        });
        return expanded;
    }

    /// <summary>Escapes a value for an InfluxQL regex literal <c>/…/</c>, as Grafana does.</summary>
    public static string RegexEscape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (@"\^$.|?*+()[]{}/".Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    // $name (longest identifier), ${name} or [[name]]; "$/" and "$)" (regex anchors) are not references.
    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(:[a-z]+)?\}|\[\[(?<bracketed>[A-Za-z_][A-Za-z0-9_]*)\]\]|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Reference();
}
