using System.Text;

namespace Twin.Data.Readers.Formats;

/// <summary>
/// The header row of a file: finds columns by name (never by position) and works out their units.
/// Names are compared by a normalised key: lower case, without spaces, underscores and dots, and
/// without the unit, so <c>Test_Time(s)</c>, <c>Test Time (s)</c> and <c>Test Time / s</c> all have the
/// key <c>testtime</c>.
/// </summary>
internal sealed class ColumnMap
{
    private readonly string _source;
    private readonly long _headerLine;
    private readonly string[] _keys;
    private readonly string[] _units;
    private readonly HeaderStyle _style;

    public ColumnMap(string source, long headerLine, IReadOnlyList<string> names, HeaderStyle style)
    {
        _source = source;
        _headerLine = headerLine;
        Names = names;
        _style = style;
        _keys = new string[names.Count];
        _units = new string[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            (_keys[i], _units[i]) = Split(names[i], style);
        }
    }

    /// <summary>Header names as written, in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Normalises a name or key: lower case without blanks, underscores and dots.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.Trim())
        {
            if (c is not (' ' or '_' or '.' or '\t'))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    /// <summary>Splits a header name into its normalised key and its unit text.</summary>
    public static (string Key, string Unit) Split(string name, HeaderStyle style)
    {
        string trimmed = name.Trim();
        switch (style)
        {
            case HeaderStyle.SpacedSlash:
                trimmed = Bdf.BdfMachineNames.Preferred(trimmed); // BDF's machine-readable names ("test_time_second") as their labels
                int spaced = trimmed.LastIndexOf(" / ", StringComparison.Ordinal);
                return spaced < 0 ? (Normalize(trimmed), string.Empty) : (Normalize(trimmed[..spaced]), trimmed[(spaced + 3)..].Trim());
            case HeaderStyle.Slash:
                int slash = trimmed.LastIndexOf('/');
                return slash <= 0 ? (Normalize(trimmed), string.Empty) : (Normalize(trimmed[..slash]), trimmed[(slash + 1)..].Trim());
            default:
                if (trimmed.EndsWith(')') && trimmed.IndexOf('(') is > 0 and int open)
                {
                    return (Normalize(trimmed[..open]), trimmed[(open + 1)..^1].Trim());
                }

                return (Normalize(trimmed), string.Empty);
        }
    }

    /// <summary>The normalised key of the column at <paramref name="index"/>.</summary>
    public string KeyOf(int index) => _keys[index];

    /// <summary>
    /// Index of the first column whose key is one of <paramref name="keys"/> (tried in order), or -1.
    /// A candidate may be written with its unit ("Current(A)", "I/mA"): only its key is compared.
    /// </summary>
    public int IndexOf(params ReadOnlySpan<string> keys)
    {
        foreach (string key in keys)
        {
            int index = Array.IndexOf(_keys, Split(key, _style).Key);
            if (index >= 0)
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>
    /// Finds an optional column by key and reads its unit for <paramref name="kind"/>.
    /// </summary>
    /// <exception cref="CyclerDataException">The column exists but its unit is not understood.</exception>
    public Column Find(UnitKind kind, params ReadOnlySpan<string> keys)
    {
        int index = IndexOf(keys);
        return index < 0 ? Column.Absent : Describe(index, kind);
    }

    /// <summary>Like <see cref="Find"/> but the column must exist.</summary>
    /// <param name="kind">The quantity the column holds.</param>
    /// <param name="display">The column's usual header name, for the error message.</param>
    /// <param name="keys">Keys to look for, in order of preference.</param>
    /// <exception cref="CyclerDataException">No column matches; the message lists the columns found.</exception>
    public Column Require(UnitKind kind, string display, params ReadOnlySpan<string> keys)
    {
        Column column = Find(kind, keys);
        if (!column.Found)
        {
            throw MissingColumn(display);
        }

        return column;
    }

    /// <summary>Builds the "required column not found" error for <paramref name="display"/>.</summary>
    public CyclerDataException MissingColumn(string display) =>
        new(_source, _headerLine, display,
            $"required column not found; columns found: {string.Join(", ", Names.Select(n => $"'{n}'"))}");

    /// <summary>The column at <paramref name="index"/> with the conversion of its unit for <paramref name="kind"/>.</summary>
    /// <exception cref="CyclerDataException">The unit is not understood for that quantity.</exception>
    public Column Describe(int index, UnitKind kind)
    {
        string unit = _units[index];
        if (!Units.TryConvert(kind, unit, out double scale, out double offset))
        {
            throw new CyclerDataException(_source, _headerLine, Names[index],
                $"unit '{unit}' is not understood; expected one of {Units.Expected(kind)}");
        }

        return new Column(index, Names[index].Trim(), scale, offset);
    }
}
