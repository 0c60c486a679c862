using System.Globalization;

namespace Twin.Dashboard.Components.Shared;

/// <summary>Number and time formats of the pages (every value is formatted on the server, also on live pages).</summary>
public static class Fmt
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>c_Li with four decimals, or an em dash.</summary>
    /// <param name="v">Value.</param>
    /// <returns>Text.</returns>
    public static string CLi(double? v) => v is double x ? x.ToString("0.0000", Inv) : "—";

    /// <summary>A number with the given format, or an em dash.</summary>
    /// <param name="v">Value.</param>
    /// <param name="format">.NET format string.</param>
    /// <returns>Text.</returns>
    public static string Num(double? v, string format) => v is double x && double.IsFinite(x) ? x.ToString(format, Inv) : "—";

    /// <summary>A value with its standard deviation, "0.4061 ± 0.0031"; "—" when the value is missing, the value alone when σ is.</summary>
    /// <param name="v">The value.</param>
    /// <param name="sigma">Its standard deviation.</param>
    /// <param name="format">Number format for both.</param>
    /// <returns>The text.</returns>
    public static string PlusMinus(double? v, double? sigma, string format) =>
        v is not double x || !double.IsFinite(x) ? "—"
        : sigma is double s && double.IsFinite(s) ? $"{x.ToString(format, Inv)} ± {s.ToString(format, Inv)}" : x.ToString(format, Inv);

    /// <summary>
    /// A value with its standard deviation, both to the decimal place of the σ's second significant digit: "8.73 ± 0.27"
    /// for an A·h cell, "0.00431 ± 0.00013" for a coin cell; the value alone to four significant digits when σ is
    /// missing; "—" when the value is.
    /// </summary>
    /// <param name="v">The value.</param>
    /// <param name="sigma">Its standard deviation.</param>
    /// <returns>The text.</returns>
    public static string BySigma(double? v, double? sigma)
    {
        if (v is not double x || !double.IsFinite(x)) return "—";
        if (sigma is not double s || !double.IsFinite(s) || s <= 0) return x.ToString("G4", Inv);
        int decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(s)), 0, 12);
        string f = "F" + decimals.ToString(Inv);
        return $"{x.ToString(f, Inv)} ± {s.ToString(f, Inv)}";
    }

    /// <summary>Voltage "3.912 V".</summary>
    /// <param name="v">Volts.</param>
    /// <returns>Text.</returns>
    public static string Volts(double? v) => v is double x ? x.ToString("0.000", Inv) + " V" : "—";

    /// <summary>Current in A, mA or µA, whichever reads best.</summary>
    /// <param name="a">Amperes.</param>
    /// <returns>Text.</returns>
    public static string Amps(double? a) => a switch
    {
        null => "—",
        double x when Math.Abs(x) >= 1 => x.ToString("0.000", Inv) + " A",
        double x when Math.Abs(x) >= 1e-3 => (x * 1e3).ToString("0.000", Inv) + " mA",
        double x => (x * 1e6).ToString("0.0", Inv) + " µA",
    };

    /// <summary>A duration "2 h 05 min", "12 min 30 s", "45 s", or an em dash.</summary>
    /// <param name="s">Seconds.</param>
    /// <returns>Text.</returns>
    public static string Duration(double? s)
    {
        if (s is not double x || !double.IsFinite(x) || x < 0) return "—";
        if (x >= 3600) return $"{(int)(x / 3600)} h {(int)(x % 3600 / 60):00} min";
        if (x >= 60) return $"{(int)(x / 60)} min {(int)(x % 60):00} s";
        return $"{(int)x} s";
    }

    /// <summary>UTC date and time "2026-11-21 14:03:05Z" of a Unix time in ms, or an em dash for 0.</summary>
    /// <param name="ms">ms since the Unix epoch.</param>
    /// <returns>Text.</returns>
    public static string Time(double ms) => ms <= 0 ? "—" : DateTimeOffset.FromUnixTimeMilliseconds((long)ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", Inv);

    /// <summary>UTC time of a Unix time in ns.</summary>
    /// <param name="ns">ns since the Unix epoch.</param>
    /// <returns>Text.</returns>
    public static string TimeNs(long? ns) => ns is long x ? Time(x / 1e6) : "—";

    /// <summary>The gauge position of a c_Li on a 0…1 scale, percent.</summary>
    /// <param name="cLi">c_Li.</param>
    /// <returns>"41.2%" clamped to 0…100.</returns>
    public static string Pct(double? cLi) => (Math.Clamp(cLi ?? 0, 0, 1) * 100).ToString("0.##", Inv) + "%";

    /// <summary>The step cell text "3 charge · cycle 1".</summary>
    /// <param name="c">The card.</param>
    /// <returns>Text.</returns>
    public static string Step(Live.CellCard c) => c.Step is null ? "—" : $"{c.Step}{(c.Kind is null ? "" : " " + c.Kind)} · cycle {c.Cycle}";

    /// <summary>The last-pattern text "P0012 at c_Li 0.4521".</summary>
    /// <param name="p">The pattern.</param>
    /// <returns>Text.</returns>
    public static string Pattern(Live.PatternMark? p) => p is null ? "—" : $"{p.Id} at c_Li {CLi(p.CLiMid)}";
}
