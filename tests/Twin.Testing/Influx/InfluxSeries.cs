using System.Text.Json;

namespace Twin.Testing.Influx;

/// <summary>One series of an InfluxQL result.</summary>
/// <param name="Name">Measurement (or e.g. "measurements" for SHOW MEASUREMENTS).</param>
/// <param name="Tags">Group-by tags (empty without GROUP BY).</param>
/// <param name="Columns">Column names; "time" first for SELECT.</param>
/// <param name="Values">Rows of values in column order (JSON null for missing fields).</param>
public sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Values)
{
    /// <summary>The rows as column → value dictionaries.</summary>
    public IEnumerable<InfluxRow> Rows()
    {
        foreach (var values in Values)
        {
            var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (int i = 0; i < Columns.Count && i < values.Count; i++)
            {
                map[Columns[i]] = values[i];
            }
            yield return new InfluxRow(Name, Tags, map);
        }
    }
}

/// <summary>One row of an InfluxQL result.</summary>
/// <param name="Measurement">Series name.</param>
/// <param name="Tags">Group-by tags.</param>
/// <param name="Values">Column → value (JSON); "time" is an integer in ns with epoch=ns.</param>
public sealed record InfluxRow(string Measurement, IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, JsonElement> Values)
{
    /// <summary>The "time" column in ns since the epoch.</summary>
    public long TimeNs => Values["time"].GetInt64();

    /// <summary>A column as string (null when JSON null or missing).</summary>
    public string? GetString(string column) =>
        Values.TryGetValue(column, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A column as double (null when JSON null or missing).</summary>
    public double? GetDouble(string column) =>
        Values.TryGetValue(column, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>A column as long (null when JSON null or missing).</summary>
    public long? GetInt64(string column) =>
        Values.TryGetValue(column, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
