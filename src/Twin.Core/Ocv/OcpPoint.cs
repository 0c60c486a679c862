namespace Twin.Core.Ocv;

/// <summary>One measured point of an open-circuit-potential table.</summary>
/// <param name="X">Lithium content on the table's scale (<see cref="OcpCurve.Scale"/>).</param>
/// <param name="PotentialV">Open-circuit potential vs Li/Li⁺, V.</param>
/// <param name="Source">Full citation of the point (paper, table or figure, measured or digitised).</param>
public sealed record OcpPoint(double X, double PotentialV, string Source);
