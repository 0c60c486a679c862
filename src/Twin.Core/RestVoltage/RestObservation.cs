using System.Globalization;

namespace Twin.Core.RestVoltage;

/// <summary>
/// What the <see cref="RelaxationDetector"/> saw in one rest: the relaxed voltage when there was one, otherwise the
/// last state and why it is not relaxed.
/// </summary>
/// <param name="Outcome">How the rest ended.</param>
/// <param name="StartS">Time of the rest's first sample, s.</param>
/// <param name="EndS">Time of the rest's last sample, s.</param>
/// <param name="TimeS">Time the voltage applies to: the end of the last window that met the criterion (relaxed), of
/// the last fitted window (still relaxing), or of the last sample, s.</param>
/// <param name="VoltageV">The voltage at <paramref name="TimeS"/>: the fitted line's value at the end of the window
/// (not a single sample), or the last sample when no window was fitted, V.</param>
/// <param name="VoltageSigmaV">Standard error of <paramref name="VoltageV"/> from the fit's residuals, V (NaN when
/// no window was fitted).</param>
/// <param name="SlopeVPerS">Fitted dV/dt over the window, V/s (NaN when no window was fitted).</param>
/// <param name="SlopeSigmaVPerS">Standard error of the slope, V/s (NaN when no window was fitted).</param>
/// <param name="RelaxedForS">How long the criterion had held without a break at <paramref name="TimeS"/>, s.</param>
public readonly record struct RestObservation(
    RestOutcome Outcome,
    double StartS,
    double EndS,
    double TimeS,
    double VoltageV,
    double VoltageSigmaV,
    double SlopeVPerS,
    double SlopeSigmaVPerS,
    double RelaxedForS)
{
    /// <summary>True when the rest relaxed: <see cref="VoltageV"/> is a relaxed voltage.</summary>
    public bool IsRelaxed => Outcome == RestOutcome.Relaxed;

    /// <summary>Length of the rest, s.</summary>
    public double DurationS => EndS - StartS;

    /// <summary>Fitted slope in mV/h.</summary>
    public double SlopeMVPerHour => SlopeVPerS * 3.6e6;

    /// <summary>One sentence on the rest: its relaxed voltage, or why it gave none.</summary>
    /// <param name="options">The detector's options (for the thresholds quoted).</param>
    /// <returns>The sentence.</returns>
    public string Describe(RelaxationOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        double min = DurationS / 60;
        return Outcome switch
        {
            RestOutcome.Relaxed => string.Format(c,
                "rest of {0:0} min relaxed at {1:0.0000} V (slope {2:0.00} ± {3:0.00} mV/h over the last {4:0} min, below {5:0.##} mV/h for {6:0} min)",
                min, VoltageV, SlopeMVPerHour, SlopeSigmaVPerS * 3.6e6, options.SlopeWindowS / 60, options.MaxSlopeMVPerHour, RelaxedForS / 60),
            RestOutcome.StillRelaxing => string.Format(c,
                "rest of {0:0} min ended still relaxing: the voltage ({1:0.0000} V) drifted at {2:0.00} ± {3:0.00} mV/h over the last {4:0} min, " +
                "not below {5:0.##} mV/h for {6:0} min",
                min, VoltageV, SlopeMVPerHour, SlopeSigmaVPerS * 3.6e6, options.SlopeWindowS / 60, options.MaxSlopeMVPerHour, options.HoldS / 60),
            RestOutcome.TooShort => string.Format(c,
                "rest of {0:0.#} min ended before a {1:0} min slope window had passed", min, options.SlopeWindowS / 60),
            _ => string.Format(c, "rest from t = {0:0} s abandoned: time ran backwards", StartS),
        };
    }
}
