using Twin.Core.Cells;
using Twin.Core.Safety;

namespace Twin.Nexus.Model;

/// <summary>
/// One twin state as the experiment file keeps it: the sample's electrochemistry and the twin's answer to it.
/// Units in the names: V, A, A·h, °C, Å; c_Li and strains dimensionless.
/// </summary>
/// <param name="TimeUnixNs">Time of the sample as stored, ns since the Unix epoch (strictly increasing per cell).</param>
/// <param name="VoltageV">Cell voltage, V.</param>
/// <param name="CurrentA">Current, A, positive on charge.</param>
/// <param name="ChargeAh">Net charge since the start, A·h, positive on charge.</param>
/// <param name="TemperatureC">Cell temperature, °C; NaN when the source gave none.</param>
/// <param name="Step">The source's step number.</param>
/// <param name="Cycle">Cycle number counted by the twin.</param>
/// <param name="CLi">Cathode lithium content c_Li, the estimator's value.</param>
/// <param name="CLiSigma">Standard deviation σ of <paramref name="CLi"/>.</param>
/// <param name="CLiCounted">c_Li from charge counting alone.</param>
/// <param name="CLiLowerBound">Lower bound c_Li − k·σ the cut-off acts on.</param>
/// <param name="AA">Lattice parameter a = d_TM, Å.</param>
/// <param name="CA">Lattice parameter c, Å (d_IL = c/3).</param>
/// <param name="EpsAniso">Anisotropic strain.</param>
/// <param name="Zone">Zone after the sample.</param>
public readonly record struct NexusRow(
    long TimeUnixNs, double VoltageV, double CurrentA, double ChargeAh, double TemperatureC, int Step, int Cycle,
    double CLi, double CLiSigma, double CLiCounted, double CLiLowerBound, double AA, double CA, double EpsAniso, Zone Zone)
{
    /// <summary>The row of one applied sample.</summary>
    /// <param name="timeUnixNs">The sample's stored time, ns since the Unix epoch.</param>
    /// <param name="output">The twin's answer to the sample.</param>
    /// <param name="temperatureC">The sample's temperature, °C, or NaN.</param>
    /// <returns>The row.</returns>
    public static NexusRow From(long timeUnixNs, in TwinOutput output, double temperatureC) => new(
        timeUnixNs, output.VoltageV, output.CurrentA, output.ChargeAh, temperatureC, output.Step, output.Cycle,
        output.CLi, output.CLiSigma, output.CLiCounted, output.CLiLowerBound, output.AA, output.CA, output.EpsAniso, output.Zone);
}
