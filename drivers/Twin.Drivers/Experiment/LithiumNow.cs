namespace Twin.Drivers.Experiment;

/// <summary>
/// The twin's c_Li carried forward from the reading its latest state describes to the present reading by the charge
/// the runner counted in between: Δc_Li = −ΔQ/Q_Li, and the lower bound c_Li − k·σ with σ grown by |Δc_Li|·σ(Q_Li)/Q_Li
/// (first order in the relative uncertainty of Q_Li, which carries the current gain's; the offset's share over a few
/// readings is far smaller and left out). The twin answers each sample after the bus and its own work (storage, pattern
/// fits); at a simulator's 1200× a 1 s delay is 20 minutes of charge, and acting on the state as it arrived would end
/// a charge late by the charge of that delay.
/// </summary>
/// <param name="CLi">c_Li at the present reading.</param>
/// <param name="CLiLow">Its lower bound c_Li − k·σ, or null when the twin did not send one.</param>
/// <param name="LagS">How far the twin's state lies behind the present reading, s (instrument time).</param>
/// <param name="DeltaCLi">The change applied to c_Li, −ΔQ/Q_Li (0 when not carried forward).</param>
/// <param name="CarriedForward">False when the twin did not send Q_Li (the state is used as it is).</param>
public readonly record struct LithiumNow(double CLi, double? CLiLow, double LagS, double DeltaCLi, bool CarriedForward)
{
    /// <summary>Carries a twin state forward to a reading.</summary>
    /// <param name="twin">The twin's latest state.</param>
    /// <param name="history">The runner's charge counter at its recent readings.</param>
    /// <param name="timeUnixNs">The present reading's time, ns since the Unix epoch.</param>
    /// <param name="chargeAh">The runner's charge counter at the present reading, A·h.</param>
    /// <returns>The state at the reading, or null when the state is older than every reading <paramref name="history"/> keeps.</returns>
    public static LithiumNow? Of(TwinFeedback twin, ChargeHistory history, long timeUnixNs, double chargeAh)
    {
        double lagS = Math.Max(0, (timeUnixNs - twin.TimeUnixNs) / 1e9);
        if (twin.QLiAh is not { } qLi || !(qLi > 0) || !double.IsFinite(qLi)) return new LithiumNow(twin.CLi, twin.CLiLow, lagS, 0, false);
        if (!history.TryChargeAt(twin.TimeUnixNs, out double then)) return null;
        double delta = -(chargeAh - then) / qLi;
        double? low = twin.CLiLow + delta;
        if (low is { } l && twin.CLiSigma is { } sigma && sigma > 0 && twin.QLiSigmaAh is { } sq && sq >= 0)
        {
            double k = (twin.CLi - twin.CLiLow!.Value) / sigma;
            low = l - k * Math.Abs(delta) * sq / qLi;
        }
        return new LithiumNow(twin.CLi + delta, low, lagS, delta, true);
    }
}
