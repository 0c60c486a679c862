using System.Text.Json.Serialization;

namespace Twin.Core.Ocv;

/// <summary>On-disk shape of an open-circuit-potential file (the embedded <c>ocp-tables.json</c> or a lab's own).</summary>
public sealed class OcpFile
{
    /// <summary>Citations keyed by the short ids that points refer to.</summary>
    [JsonPropertyName("sources")] public Dictionary<string, string> Sources { get; set; } = new();

    /// <summary>The tables.</summary>
    [JsonPropertyName("tables")] public List<OcpTableEntry> Tables { get; set; } = new();
}

/// <summary>One table in an open-circuit-potential file.</summary>
public sealed class OcpTableEntry
{
    /// <summary>Name, e.g. "NMC811 (LG M50, Chen 2020)".</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    /// <summary>"cathode" or "anode".</summary>
    [JsonPropertyName("electrode")] public string Electrode { get; set; } = "";
    /// <summary>Material: a cathode material's catalogue name (e.g. "NMC811") or "graphite".</summary>
    [JsonPropertyName("material")] public string Material { get; set; } = "";
    /// <summary>"lithium_per_formula_unit" or "normalised_stoichiometry".</summary>
    [JsonPropertyName("scale")] public string Scale { get; set; } = "";
    /// <summary>What the abscissa means and how (or whether) it maps to lithium per formula unit.</summary>
    [JsonPropertyName("scale_note")] public string ScaleNote { get; set; } = "";
    /// <summary>Smoothing of the points.</summary>
    [JsonPropertyName("smoothing")] public OcpSmoothingEntry? Smoothing { get; set; }
    /// <summary>For a graphite anode: its stage-1 plateau.</summary>
    [JsonPropertyName("plateau")] public OcpPlateauEntry? Plateau { get; set; }
    /// <summary>The measured points.</summary>
    [JsonPropertyName("points")] public List<OcpPointEntry> Points { get; set; } = new();
}

/// <summary>Smoothing parameters of a table.</summary>
public sealed class OcpSmoothingEntry
{
    /// <summary>Half-width of the local fit, in the table's lithium-content unit.</summary>
    [JsonPropertyName("bandwidth")] public double Bandwidth { get; set; }
    /// <summary>Spacing of the smoothed knots.</summary>
    [JsonPropertyName("knot_step")] public double KnotStep { get; set; }
    /// <summary>Source id of the smoothing choice.</summary>
    [JsonPropertyName("source")] public string Source { get; set; } = "";
}

/// <summary>A graphite stage-1 plateau in a file.</summary>
public sealed class OcpPlateauEntry
{
    /// <summary>Lowest lithiation of the plateau.</summary>
    [JsonPropertyName("x_min")] public double XMin { get; set; }
    /// <summary>Highest lithiation of the plateau.</summary>
    [JsonPropertyName("x_max")] public double XMax { get; set; }
    /// <summary>Source id.</summary>
    [JsonPropertyName("source")] public string Source { get; set; } = "";
}

/// <summary>One point in a file.</summary>
public sealed class OcpPointEntry
{
    /// <summary>Lithium content.</summary>
    [JsonPropertyName("x")] public double X { get; set; } = double.NaN;
    /// <summary>Potential vs Li/Li⁺, V.</summary>
    [JsonPropertyName("u_V")] public double PotentialV { get; set; } = double.NaN;
    /// <summary>Source id.</summary>
    [JsonPropertyName("source")] public string Source { get; set; } = "";
}

/// <summary>System.Text.Json source-generated serializer for open-circuit-potential files.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(OcpFile))]
public sealed partial class OcpJsonContext : JsonSerializerContext;
