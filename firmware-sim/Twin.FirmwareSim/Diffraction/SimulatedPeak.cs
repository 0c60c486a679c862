namespace Twin.FirmwareSim.Diffraction;

/// <summary>Where a reflection sits in a simulated pattern, and how wide it is.</summary>
/// <param name="Reflection">The reflection.</param>
/// <param name="DSpacingA">Interplanar spacing d, Å.</param>
/// <param name="TwoThetaDeg">Bragg angle 2θ, degrees (NaN when λ &gt; 2d).</param>
/// <param name="FwhmDeg">Full width at half maximum, degrees 2θ (NaN when the reflection is unreachable).</param>
public readonly record struct SimulatedPeak(LayeredOxideReflection Reflection, double DSpacingA, double TwoThetaDeg, double FwhmDeg);
