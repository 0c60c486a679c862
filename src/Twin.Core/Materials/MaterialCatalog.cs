namespace Twin.Core.Materials;

/// <summary>
/// The known cathode materials. <see cref="Default"/> holds NMC622, NMC811 and LNO from the embedded
/// <c>materials.json</c> (derivation in docs/model.md and docs/derive-knots.py); a lab may load its own
/// file of the same shape with <see cref="Parse"/>.
/// </summary>
public sealed class MaterialCatalog
{
    private static readonly Lazy<MaterialCatalog> s_default = new(LoadEmbedded);
    private readonly Dictionary<string, Material> _byName = new(StringComparer.OrdinalIgnoreCase);

    private MaterialCatalog(IReadOnlyList<Material> materials)
    {
        Materials = materials;
        foreach (var m in materials)
        {
            _byName[m.Name] = m;
            foreach (var alias in m.Aliases) _byName[alias] = m;
        }
    }

    /// <summary>The built-in catalogue: NMC622, NMC811, LNO.</summary>
    public static MaterialCatalog Default => s_default.Value;

    /// <summary>All materials in file order.</summary>
    public IReadOnlyList<Material> Materials { get; }

    /// <summary>Finds a material by name or alias, case-insensitively.</summary>
    /// <param name="name">e.g. "NMC811", "ncm811", "LNO", "LiNiO2".</param>
    /// <returns>The material.</returns>
    /// <exception cref="ArgumentException">When no material has that name; the message lists the known names.</exception>
    public Material Get(string name)
    {
        if (_byName.TryGetValue(name.Trim(), out var m)) return m;
        throw new ArgumentException(
            $"unknown material '{name}': expected one of {string.Join(", ", Materials.Select(x => x.Name))}", nameof(name));
    }

    /// <summary>Parses a materials file and checks every number and source reference.</summary>
    /// <param name="json">UTF-8 JSON of the <see cref="MaterialFile"/> shape.</param>
    /// <param name="origin">Name of the file for error messages.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="FormatException">Malformed JSON, a missing or non-positive number, knots not
    /// strictly ascending in c_Li, or a source id that is not defined under "sources".</exception>
    public static MaterialCatalog Parse(ReadOnlySpan<byte> json, string origin)
    {
        var file = SourcedJson.Read(json, MaterialJsonContext.Default.MaterialFile, origin, "materials file");
        if (file.Materials.Count == 0)
            throw new FormatException($"{origin}: expected a JSON object with a non-empty \"materials\" array");

        string Cite(string id, string where) => SourcedJson.Cite(file.Sources, id, origin, where);

        var list = new List<Material>();
        foreach (var e in file.Materials)
        {
            string where = $"material '{e.Name}'";
            if (string.IsNullOrWhiteSpace(e.Name)) throw new FormatException($"{origin}: a material has no name");
            Positive(origin, where, "a_A", e.AA);
            Positive(origin, where, "c_A", e.CA);
            Positive(origin, where, "molar_mass_g_per_mol", e.MolarMass);
            if (e.Knots.Count < 2) throw new FormatException($"{origin}: {where} needs at least two lattice knots, has {e.Knots.Count}");
            var knots = new List<LatticeKnot>();
            double prev = double.NegativeInfinity;
            foreach (var k in e.Knots)
            {
                string kw = $"{where} knot c_li={k.CLi}";
                if (!(k.CLi > prev)) throw new FormatException($"{origin}: {kw}: knots must be strictly ascending in c_li");
                prev = k.CLi;
                Positive(origin, kw, "a_A", k.AA);
                Positive(origin, kw, "c_A", k.CA);
                knots.Add(new LatticeKnot(k.CLi, k.AA, k.CA, Cite(k.ASource, kw), Cite(k.CSource, kw)));
            }
            list.Add(new Material(e.Name, e.Formula, e.Aliases, e.AA, e.CA, e.DTmOA,
                Cite(e.LatticeSource, where), e.MolarMass, Cite(e.MolarMassSource, where), knots));
        }
        return new MaterialCatalog(list);
    }

    private static void Positive(string origin, string where, string field, double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new FormatException($"{origin}: {where}: \"{field}\" must be a positive number, got {value}");
    }

    private static MaterialCatalog LoadEmbedded()
    {
        const string name = "Twin.Core.Materials.materials.json";
        using var stream = typeof(MaterialCatalog).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from Twin.Core");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Parse(ms.ToArray(), "materials.json (embedded)");
    }
}
