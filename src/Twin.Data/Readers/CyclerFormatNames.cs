namespace Twin.Data.Readers;

/// <summary>Converts between <see cref="CyclerFormat"/> values and the names users type.</summary>
public static class CyclerFormatNames
{
    private static readonly (string Name, CyclerFormat Format)[] Names =
    [
        ("biologic", CyclerFormat.BioLogicMpt),
        ("mpt", CyclerFormat.BioLogicMpt),
        ("mpr", CyclerFormat.BioLogicMpr),
        ("maccor", CyclerFormat.Maccor),
        ("neware", CyclerFormat.Neware),
        ("ndax", CyclerFormat.NewareNdax),
        ("arbin", CyclerFormat.Arbin),
        ("bdf", CyclerFormat.Bdf),
    ];

    /// <summary>The accepted names, in the order they are listed in error messages.</summary>
    public static IReadOnlyList<string> Accepted { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>Parses a user-typed format name (case and surrounding blanks ignored).</summary>
    /// <returns>False when <paramref name="name"/> is none of <see cref="Accepted"/>.</returns>
    public static bool TryParse(string? name, out CyclerFormat format)
    {
        string key = (name ?? string.Empty).Trim();
        foreach ((string candidate, CyclerFormat value) in Names)
        {
            if (string.Equals(candidate, key, StringComparison.OrdinalIgnoreCase))
            {
                format = value;
                return true;
            }
        }

        format = default;
        return false;
    }

    /// <summary>Parses a user-typed format name.</summary>
    /// <exception cref="FormatException">The name is unknown; the message lists the accepted names.</exception>
    public static CyclerFormat Parse(string? name) =>
        TryParse(name, out CyclerFormat format)
            ? format
            : throw new FormatException(
                $"Unknown cycler format '{name}'. Accepted: {string.Join(", ", Accepted)} (biologic and mpt are the same).");

    /// <summary>The canonical short name of a format, as accepted by <see cref="Parse"/>.</summary>
    public static string ToName(CyclerFormat format) => format switch
    {
        CyclerFormat.BioLogicMpt => "biologic",
        CyclerFormat.BioLogicMpr => "mpr",
        CyclerFormat.Maccor => "maccor",
        CyclerFormat.Neware => "neware",
        CyclerFormat.NewareNdax => "ndax",
        CyclerFormat.Arbin => "arbin",
        CyclerFormat.Bdf => "bdf",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a cycler format"),
    };
}
