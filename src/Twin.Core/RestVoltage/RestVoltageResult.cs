using Twin.Core.Estimation;
using Twin.Core.Ocv;

namespace Twin.Core.RestVoltage;

/// <summary>
/// The outcome of inverting one relaxed voltage: c_Li with σ, or no measurement and the reason.
/// </summary>
/// <param name="TimeS">Time the relaxed voltage applies to, s.</param>
/// <param name="CellVoltageV">The relaxed cell voltage, V.</param>
/// <param name="CathodePotentialV">Cathode potential vs Li/Li⁺ the voltage stands for, V (NaN when not known).</param>
/// <param name="CLi">c_Li on the scale <paramref name="Scale"/> (NaN without a measurement).</param>
/// <param name="Sigma">Standard uncertainty of <paramref name="CLi"/> (NaN when it could not be computed).</param>
/// <param name="SlopeVPerCLi">dU/dc_Li of the cathode curve at the answer, V per unit c_Li (NaN when not reached).</param>
/// <param name="VoltageSigmaV">Combined standard uncertainty of the cathode potential, V (NaN when not reached).</param>
/// <param name="Scale">Scale of the table that gave <paramref name="CLi"/>.</param>
/// <param name="Reason">Why no measurement was made, or null when one was.</param>
public sealed record RestVoltageResult(
    double TimeS,
    double CellVoltageV,
    double CathodePotentialV,
    double CLi,
    double Sigma,
    double SlopeVPerCLi,
    double VoltageSigmaV,
    OcpScale Scale,
    string? Reason)
{
    /// <summary>True when a measurement was made.</summary>
    public bool HasMeasurement => Reason is null;

    /// <summary>The measurement for the estimator (kind <see cref="LithiumMeasurementKind.RestVoltage"/>). Its c_Li is on
    /// <see cref="Scale"/>: the caller feeds it only to a twin whose c_Li is on the same scale.</summary>
    /// <returns>The measurement.</returns>
    /// <exception cref="InvalidOperationException">No measurement was made; the message gives the reason.</exception>
    public LithiumMeasurement ToMeasurement() => HasMeasurement
        ? new LithiumMeasurement(TimeS, CLi, Sigma, LithiumMeasurementKind.RestVoltage)
        : throw new InvalidOperationException($"no rest-voltage measurement at t = {TimeS} s: {Reason}");

    internal static RestVoltageResult None(double timeS, double cellVoltageV, OcpScale scale, string reason,
        double cathodeV = double.NaN, double cLi = double.NaN, double sigma = double.NaN, double slope = double.NaN, double sigmaV = double.NaN) =>
        new(timeS, cellVoltageV, cathodeV, cLi, sigma, slope, sigmaV, scale, reason);
}
