using System.Globalization;

namespace Twin.FirmwareSim.Cell;

/// <summary>
/// One degradation mode of the simulated cell with its magnitude (units per <see cref="DegradationMode"/>: a fraction
/// for <see cref="DegradationMode.Sei"/> and <see cref="DegradationMode.Lam"/>, a multiple of 1C for
/// <see cref="DegradationMode.Shuttle"/> and <see cref="DegradationMode.Offset"/>). Written on the command line as
/// <c>MODE[=magnitude]</c> (<see cref="Parse"/>).
/// </summary>
/// <param name="Mode">What degrades.</param>
/// <param name="Magnitude">How much, in the mode's unit.</param>
/// <remarks>
/// The defaults (<see cref="DefaultMagnitude"/>) are accelerated ageing, chosen so that in eight cycles of the demo's
/// protocol (C/5 until c_Li 0.42 or 4.2 V, C/5 discharge to 2.75 V, 30-min rests: about 7.6 simulated hours per cycle)
/// counting alone is off by more than 0.05 in c_Li at the last charge (shuttle and offset −0.074, lam +0.071, sei 0):
/// real cells age far more slowly (a shuttle or offset of C/2500, loss of active material of
/// 0.1 % per cycle move counted c_Li by tenths only over a hundred cycles).
/// </remarks>
public readonly record struct Degradation(DegradationMode Mode, double Magnitude)
{
    /// <summary>Names of the modes as written on the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sei", "shuttle", "offset", "lam"];

    /// <summary>
    /// The magnitude used when none is written: sei 0.01 (1 % of each charge lost to the SEI), shuttle C/500,
    /// offset +C/500, lam 0.02 (2 % of the cathode per cycle) — accelerated ageing for a demo of a few cycles.
    /// </summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The default magnitude in the mode's unit.</returns>
    public static double DefaultMagnitude(DegradationMode mode) => mode switch
    {
        DegradationMode.Sei => 0.01,
        DegradationMode.Shuttle => 1.0 / 500,
        DegradationMode.Offset => 1.0 / 500,
        _ => 0.02,
    };

    /// <summary>The accepted range of the magnitude, in the mode's unit (limits inclusive).</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>Lowest and highest magnitude.</returns>
    public static (double Min, double Max) Range(DegradationMode mode) => mode switch
    {
        DegradationMode.Sei => (0, 0.1),
        DegradationMode.Shuttle => (0, 0.05),
        DegradationMode.Offset => (-0.05, 0.05),
        _ => (0, 0.1),
    };

    /// <summary>The mode's name as written on the command line (<c>sei</c>, <c>shuttle</c>, <c>offset</c>, <c>lam</c>).</summary>
    public string Name => Enum.IsDefined(Mode) ? Names[(int)Mode] : ((int)Mode).ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the magnitude is a current in multiples of 1C (shuttle, offset) rather than a fraction.</summary>
    public bool IsCurrent => Mode is DegradationMode.Shuttle or DegradationMode.Offset;

    /// <summary>Checks the mode and the magnitude.</summary>
    /// <exception cref="ArgumentException">The mode is not defined, or the magnitude is not finite or outside
    /// <see cref="Range"/>; the message names both and the range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode)) throw new ArgumentException($"unknown degradation mode {(int)Mode}: expected one of {string.Join(", ", Names)}");
        var (min, max) = Range(Mode);
        if (!(Magnitude >= min && Magnitude <= max))
            throw new ArgumentException($"degradation {Name}: magnitude {Magnitude.ToString("G6", CultureInfo.InvariantCulture)} " +
                $"must lie in [{Format(min)}, {Format(max)}] {Unit}");
    }

    /// <summary>The unit the magnitude is in, for messages.</summary>
    private string Unit => IsCurrent ? "C (multiples of the nominal capacity per hour)" : Mode == DegradationMode.Lam ? "per cycle" : "of the charge";

    private string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The mode as written on the command line, e.g. <c>shuttle=C/500</c>, <c>lam=0.02</c>.</summary>
    public override string ToString()
    {
        if (IsCurrent && Magnitude != 0)
        {
            double n = 1 / Math.Abs(Magnitude);
            if (Math.Abs(n - Math.Round(n)) < 1e-9 * n)
                return $"{Name}={(Magnitude < 0 ? "-" : "")}C/{Math.Round(n).ToString(CultureInfo.InvariantCulture)}";
        }
        return $"{Name}={Format(Magnitude)}";
    }

    /// <summary>
    /// Reads <c>MODE[=magnitude]</c>: MODE is <c>sei</c>, <c>shuttle</c>, <c>offset</c> or <c>lam</c> (any case); the
    /// magnitude is a number, a number with <c>%</c> (sei, lam: <c>lam=0.1%</c> = 0.001 per cycle), or for the currents
    /// <c>C/N</c> (<c>offset=-C/2500</c>); without it <see cref="DefaultMagnitude"/> applies.
    /// </summary>
    /// <param name="text">The text, e.g. <c>shuttle=C/500</c>.</param>
    /// <returns>The degradation, validated.</returns>
    /// <exception cref="FormatException">Unknown mode, unreadable magnitude, or a magnitude out of range; the message
    /// quotes the text and says what was expected.</exception>
    public static Degradation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int eq = t.IndexOf('=');
        string name = (eq < 0 ? t : t[..eq]).Trim();
        int index = -1;
        for (int k = 0; k < Names.Count; k++)
            if (string.Equals(Names[k], name, StringComparison.OrdinalIgnoreCase)) index = k;
        if (index < 0)
            throw new FormatException($"'{text}': unknown degradation mode '{name}', expected one of {string.Join(", ", Names)} (MODE[=magnitude])");
        var mode = (DegradationMode)index;
        var d = new Degradation(mode, eq < 0 ? DefaultMagnitude(mode) : ParseMagnitude(text, mode, t[(eq + 1)..].Trim()));
        try
        {
            d.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{text}': {e.Message}", e);
        }
        return d;
    }

    private static double ParseMagnitude(string text, DegradationMode mode, string s)
    {
        var ci = CultureInfo.InvariantCulture;
        bool current = mode is DegradationMode.Shuttle or DegradationMode.Offset;
        string expected = current
            ? "a current in multiples of 1C: a number such as 0.002, or C/N such as C/500" + (mode == DegradationMode.Offset ? " (a leading '-' for a negative offset)" : "")
            : "a fraction: a number such as 0.02, or a percentage such as 2%";
        double value;
        if (current && TryCOverN(s, out double c))
            value = c;
        else if (!current && s.EndsWith('%') && double.TryParse(s[..^1], NumberStyles.Float, ci, out double pct))
            value = pct / 100;
        else if (!double.TryParse(s, NumberStyles.Float, ci, out value))
            throw new FormatException($"'{text}': magnitude '{s}' is not {expected}");
        if (!double.IsFinite(value)) throw new FormatException($"'{text}': magnitude '{s}' must be finite: {expected}");
        return value;
    }

    private static bool TryCOverN(string s, out double value)
    {
        value = 0;
        double sign = 1;
        string u = s;
        if (u.StartsWith('-')) { sign = -1; u = u[1..]; }
        else if (u.StartsWith('+')) u = u[1..];
        if (!(u.StartsWith("C/", StringComparison.OrdinalIgnoreCase))) return false;
        if (!double.TryParse(u[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !(n > 0) || !double.IsFinite(n)) return false;
        value = sign / n;
        return true;
    }

    /// <summary>
    /// The cell with the cell-side modes applied: sei sets <see cref="CellParameters.SeiLossFraction"/> (replacing the
    /// cell's own value), shuttle sets <see cref="CellParameters.ShuttleCurrentA"/> (magnitude × nominal capacity per
    /// hour), lam sets <see cref="CellParameters.ActiveMaterialLossPerCycle"/>. <see cref="DegradationMode.Offset"/> is
    /// the SMU's (see <see cref="CurrentOffsetA"/>).
    /// </summary>
    /// <param name="cell">The undegraded cell.</param>
    /// <param name="modes">The modes, each at most once.</param>
    /// <returns>The cell's parameters with the modes applied.</returns>
    /// <exception cref="ArgumentException">A mode is given twice or is invalid.</exception>
    public static CellParameters ApplyToCell(CellParameters cell, IReadOnlyList<Degradation> modes)
    {
        ArgumentNullException.ThrowIfNull(cell);
        CheckAll(modes);
        foreach (var d in modes)
        {
            cell = d.Mode switch
            {
                DegradationMode.Sei => cell with { SeiLossFraction = d.Magnitude },
                DegradationMode.Shuttle => cell with { ShuttleCurrentA = d.Magnitude * cell.NominalCapacityAh },
                DegradationMode.Lam => cell with { ActiveMaterialLossPerCycle = d.Magnitude },
                _ => cell,
            };
        }
        return cell;
    }

    /// <summary>The SMU's current-measurement offset, A: the <see cref="DegradationMode.Offset"/> magnitude × the
    /// cell's nominal capacity per hour, or 0 when the mode is absent.</summary>
    /// <param name="cell">The cell (its nominal capacity defines 1C).</param>
    /// <param name="modes">The modes, each at most once.</param>
    /// <returns>Offset, A (reading − true current).</returns>
    /// <exception cref="ArgumentException">A mode is given twice or is invalid.</exception>
    public static double CurrentOffsetA(CellParameters cell, IReadOnlyList<Degradation> modes)
    {
        ArgumentNullException.ThrowIfNull(cell);
        CheckAll(modes);
        foreach (var d in modes)
            if (d.Mode == DegradationMode.Offset) return d.Magnitude * cell.NominalCapacityAh;
        return 0;
    }

    private static void CheckAll(IReadOnlyList<Degradation> modes)
    {
        ArgumentNullException.ThrowIfNull(modes);
        var seen = new HashSet<DegradationMode>();
        foreach (var d in modes)
        {
            d.Validate();
            if (!seen.Add(d.Mode)) throw new ArgumentException($"degradation mode {d.Name} is given twice: give each mode at most once");
        }
    }
}
