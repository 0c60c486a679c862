using System.Globalization;

namespace Twin.Drivers.Instruments;

/// <summary>Number formatting and parsing for SCPI program and response data (IEEE 488.2 NR1/NR2/NR3, invariant culture).</summary>
public static class ScpiNumbers
{
    /// <summary>Formats a value as SCPI numeric program data (e.g. <c>0.0021</c>, <c>4.2</c>, <c>1E-05</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static string Format(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "SCPI numeric data must be finite");
        return value.ToString("G9", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses one numeric response field (surrounding blanks allowed).</summary>
    /// <returns>False when the text is not a finite number.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
