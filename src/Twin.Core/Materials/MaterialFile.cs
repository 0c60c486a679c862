using System.Text.Json.Serialization;

namespace Twin.Core.Materials;

/// <summary>On-disk shape of a materials file (the embedded <c>materials.json</c> or a user's own).</summary>
public sealed class MaterialFile
{
    /// <summary>Citations keyed by a short id that knots and numbers refer to.</summary>
    [JsonPropertyName("sources")] public Dictionary<string, string> Sources { get; set; } = new();

    /// <summary>The materials.</summary>
    [JsonPropertyName("materials")] public List<MaterialEntry> Materials { get; set; } = new();
}

/// <summary>One material in a materials file.</summary>
public sealed class MaterialEntry
{
    /// <summary>Canonical name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    /// <summary>Formula.</summary>
    [JsonPropertyName("formula")] public string Formula { get; set; } = "";
    /// <summary>Other accepted names.</summary>
    [JsonPropertyName("aliases")] public List<string> Aliases { get; set; } = new();
    /// <summary>Pristine a, Å.</summary>
    [JsonPropertyName("a_A")] public double AA { get; set; }
    /// <summary>Pristine c, Å.</summary>
    [JsonPropertyName("c_A")] public double CA { get; set; }
    /// <summary>Pristine TM–O distance, Å.</summary>
    [JsonPropertyName("d_tmo_A")] public double DTmOA { get; set; }
    /// <summary>Source id of the pristine lattice.</summary>
    [JsonPropertyName("lattice_source")] public string LatticeSource { get; set; } = "";
    /// <summary>Molar mass, g/mol.</summary>
    [JsonPropertyName("molar_mass_g_per_mol")] public double MolarMass { get; set; }
    /// <summary>Source id of the molar mass.</summary>
    [JsonPropertyName("molar_mass_source")] public string MolarMassSource { get; set; } = "";
    /// <summary>Lattice knots.</summary>
    [JsonPropertyName("knots")] public List<KnotEntry> Knots { get; set; } = new();
}

/// <summary>One knot in a materials file.</summary>
public sealed class KnotEntry
{
    /// <summary>c_Li.</summary>
    [JsonPropertyName("c_li")] public double CLi { get; set; }
    /// <summary>a, Å.</summary>
    [JsonPropertyName("a_A")] public double AA { get; set; }
    /// <summary>c, Å.</summary>
    [JsonPropertyName("c_A")] public double CA { get; set; }
    /// <summary>Source id of a.</summary>
    [JsonPropertyName("a_source")] public string ASource { get; set; } = "";
    /// <summary>Source id of c.</summary>
    [JsonPropertyName("c_source")] public string CSource { get; set; } = "";
}

/// <summary>System.Text.Json source-generated serializer for materials files.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(MaterialFile))]
public sealed partial class MaterialJsonContext : JsonSerializerContext;
