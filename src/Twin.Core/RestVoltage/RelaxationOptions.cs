namespace Twin.Core.RestVoltage;

/// <summary>
/// When a resting cell counts as relaxed (<see cref="RelaxationDetector"/>). The defaults are modelling assumptions
/// in the range of common GITT/OCV practice (rest until the voltage drifts by less than about 1 mV per hour), not
/// numbers taken from a paper; set them for the cell, temperature and instrument at hand.
/// </summary>
/// <param name="MaxCurrentCRate">A sample is at rest when |I| ≤ this C-rate times the capacity given to the detector,
/// h⁻¹ (default 0.001: C/1000).</param>
/// <param name="MaxSlopeMVPerHour">The cell is relaxed when the least-squares slope of the voltage over the window,
/// plus <paramref name="SlopeConfidence"/> standard errors, is at most this, mV/h (default 1).</param>
/// <param name="SlopeWindowS">Length of the window the slope is fitted over, s (default 1800: 30 min). A rest must
/// last at least this long before it is judged.</param>
/// <param name="HoldS">How long the slope criterion must hold without a break before the rest counts as relaxed, s
/// (default 900: 15 min).</param>
/// <param name="SlopeConfidence">Number of standard errors of the fitted slope added to its magnitude before the
/// comparison, so that noise cannot pass for relaxation (default 2).</param>
/// <param name="WindowBins">The window is split into this many time bins; samples are averaged per bin and the line
/// is fitted to the bin means weighted by their sample counts, so any sampling rate uses fixed memory (default 64,
/// at least 8).</param>
public sealed record RelaxationOptions(
    double MaxCurrentCRate = 1e-3,
    double MaxSlopeMVPerHour = 1.0,
    double SlopeWindowS = 1800,
    double HoldS = 900,
    double SlopeConfidence = 2,
    int WindowBins = 64)
{
    /// <summary>The defaults.</summary>
    public static RelaxationOptions Default { get; } = new();

    /// <summary>Checks every number.</summary>
    /// <exception cref="ArgumentException">The first invalid value, named.</exception>
    public void Validate()
    {
        if (!(MaxCurrentCRate > 0) || !double.IsFinite(MaxCurrentCRate)) throw new ArgumentException($"rest current threshold must be a positive C-rate, got {MaxCurrentCRate}");
        if (!(MaxSlopeMVPerHour > 0) || !double.IsFinite(MaxSlopeMVPerHour)) throw new ArgumentException($"relaxation slope threshold must be a positive number of mV/h, got {MaxSlopeMVPerHour}");
        if (!(SlopeWindowS > 0) || !double.IsFinite(SlopeWindowS)) throw new ArgumentException($"slope window must be a positive number of seconds, got {SlopeWindowS}");
        if (!(HoldS >= 0) || !double.IsFinite(HoldS)) throw new ArgumentException($"relaxed hold time must be a non-negative number of seconds, got {HoldS}");
        if (!(SlopeConfidence >= 0) || !double.IsFinite(SlopeConfidence)) throw new ArgumentException($"slope confidence factor must be a non-negative number, got {SlopeConfidence}");
        if (WindowBins < 8) throw new ArgumentException($"slope window needs at least 8 bins, got {WindowBins}");
    }
}
