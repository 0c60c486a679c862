using Twin.Core.Materials;

namespace Twin.Core.Ocv;

/// <summary>
/// Open-circuit-potential tables. <see cref="Default"/> holds the embedded <c>ocp-tables.json</c>: NMC811 and
/// graphite-SiOx of the LG M50 cell (Chen et al., J. Electrochem. Soc. 167 (2020) 080534, measured points). No
/// published NMC622 or LiNiO2 table is shipped; a lab may load its own file of the same shape with <see cref="Parse"/>.
/// </summary>
public sealed class OcpCatalog
{
    private static readonly Lazy<OcpCatalog> s_default = new(LoadEmbedded);

    private OcpCatalog(IReadOnlyList<OcpCurve> tables) => Tables = tables;

    /// <summary>The built-in tables.</summary>
    public static OcpCatalog Default => s_default.Value;

    /// <summary>All tables in file order.</summary>
    public IReadOnlyList<OcpCurve> Tables { get; }

    /// <summary>The first cathode table for a material (matched by name or alias, case-insensitively), or null.</summary>
    /// <param name="material">The cathode material.</param>
    /// <returns>The table, or null when none is known.</returns>
    public OcpCurve? CathodeFor(Material material) => Tables.FirstOrDefault(t => t.Electrode == OcpElectrode.Cathode &&
        (string.Equals(t.Material, material.Name, StringComparison.OrdinalIgnoreCase) ||
         material.Aliases.Any(a => string.Equals(t.Material, a, StringComparison.OrdinalIgnoreCase))));

    /// <summary>The first anode table of material "graphite" that declares a stage-1 plateau, or null.</summary>
    /// <returns>The table.</returns>
    public OcpCurve? GraphiteAnode() => Tables.FirstOrDefault(t => t.Electrode == OcpElectrode.Anode && t.Plateau is not null &&
        string.Equals(t.Material, "graphite", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses an open-circuit-potential file and checks every point, source reference and table.</summary>
    /// <param name="json">UTF-8 JSON of the <see cref="OcpFile"/> shape.</param>
    /// <param name="origin">Name of the file for messages.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="FormatException">Malformed JSON, an unknown electrode or scale, a missing number, a source id
    /// not defined under "sources", or a table that cannot be smoothed or (for a cathode) inverted; the message
    /// names the file and the table.</exception>
    public static OcpCatalog Parse(ReadOnlySpan<byte> json, string origin)
    {
        var file = SourcedJson.Read(json, OcpJsonContext.Default.OcpFile, origin, "open-circuit-potential file");
        if (file.Tables.Count == 0)
            throw new FormatException($"{origin}: expected a JSON object with a non-empty \"tables\" array");

        string Cite(string id, string where) => SourcedJson.Cite(file.Sources, id, origin, where);

        var tables = new List<OcpCurve>();
        foreach (var t in file.Tables)
        {
            string where = $"table '{t.Name}'";
            if (string.IsNullOrWhiteSpace(t.Name)) throw new FormatException($"{origin}: a table has no name");
            var electrode = t.Electrode switch
            {
                "cathode" => OcpElectrode.Cathode,
                "anode" => OcpElectrode.Anode,
                _ => throw new FormatException($"{origin}: {where}: \"electrode\" '{t.Electrode}' must be \"cathode\" or \"anode\""),
            };
            var scale = t.Scale switch
            {
                "lithium_per_formula_unit" => OcpScale.LithiumPerFormulaUnit,
                "normalised_stoichiometry" => OcpScale.NormalisedStoichiometry,
                _ => throw new FormatException($"{origin}: {where}: \"scale\" '{t.Scale}' must be \"lithium_per_formula_unit\" or \"normalised_stoichiometry\""),
            };
            if (string.IsNullOrWhiteSpace(t.ScaleNote)) throw new FormatException($"{origin}: {where}: \"scale_note\" must say what the lithium content means");
            var smoothing = t.Smoothing ?? throw new FormatException($"{origin}: {where}: \"smoothing\" (bandwidth, knot_step, source) is required");
            var points = new List<OcpPoint>(t.Points.Count);
            for (int i = 0; i < t.Points.Count; i++)
            {
                var p = t.Points[i];
                points.Add(new OcpPoint(p.X, p.PotentialV, Cite(p.Source, $"{where} point {i + 1}")));
            }
            (double, double, string)? plateau = t.Plateau is { } pl ? (pl.XMin, pl.XMax, Cite(pl.Source, $"{where} plateau")) : null;
            try
            {
                tables.Add(OcpCurve.FromPoints(t.Name, electrode, t.Material, scale, t.ScaleNote, points,
                    smoothing.Bandwidth, smoothing.KnotStep, Cite(smoothing.Source, $"{where} smoothing"), plateau));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"{origin}: {e.Message}", e);
            }
        }
        return new OcpCatalog(tables);
    }

    private static OcpCatalog LoadEmbedded()
    {
        const string name = "Twin.Core.Ocv.ocp-tables.json";
        using var stream = typeof(OcpCatalog).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from Twin.Core");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Parse(ms.ToArray(), "ocp-tables.json (embedded)");
    }
}
