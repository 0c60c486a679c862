namespace Twin.Core.Safety;

/// <summary>
/// Lithium-content limits of the safety window (docs/model.md §4), configurable per cell.
/// </summary>
/// <param name="CautionCLi">Below this c_Li the cell is in caution (default 0.45: onset of anisotropic
/// strain below 0.4–0.45, Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753, §3.5, Fig. 7).</param>
/// <param name="CriticalCLi">Below this c_Li the cell is critical (default 0.40: d_IL maximum and
/// exponential strain, Jousseaume 2024, §3.4–3.5).</param>
/// <param name="DeepCLi">Below this c_Li the cell is deep (default 0.32: d_TM plateau, Jousseaume 2024, §3.4;
/// the paper defines no zone there, the deep zone is the twin's).</param>
/// <param name="Hysteresis">A zone is left towards safety only once c_Li is this far above its limit
/// (default 0.005, a modelling assumption).</param>
public sealed record SafetyLimits(double CautionCLi = 0.45, double CriticalCLi = 0.40, double DeepCLi = 0.32, double Hysteresis = 0.005)
{
    /// <summary>The default limits of docs/model.md §4.</summary>
    public static SafetyLimits Default { get; } = new();

    /// <summary>Checks the ordering deep &lt; critical &lt; caution ≤ 1 and 0 ≤ hysteresis &lt; 0.05.</summary>
    /// <exception cref="ArgumentException">When the limits are out of order or out of range; the message names the limit.</exception>
    public void Validate()
    {
        if (!(DeepCLi > 0 && DeepCLi < CriticalCLi && CriticalCLi < CautionCLi && CautionCLi <= 1))
            throw new ArgumentException($"safety limits must satisfy 0 < deep < critical < caution ≤ 1, got deep={DeepCLi}, critical={CriticalCLi}, caution={CautionCLi}");
        if (!(Hysteresis >= 0 && Hysteresis < 0.05))
            throw new ArgumentException($"hysteresis must lie in [0, 0.05), got {Hysteresis}");
    }

    /// <summary>The zone of a c_Li without hysteresis.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>safe, caution, critical or deep.</returns>
    public Zone Classify(double cLi) =>
        cLi < DeepCLi ? Zone.Deep : cLi < CriticalCLi ? Zone.Critical : cLi < CautionCLi ? Zone.Caution : Zone.Safe;
}
