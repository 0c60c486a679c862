namespace Twin.FirmwareSim.Cell;

/// <summary>
/// Parameters of <see cref="EquivalentCircuitCell"/>: electrode capacities (the lithium bookkeeping), initial
/// stoichiometries, a one-RC-pair equivalent circuit, lithium loss to the SEI, a lumped thermal model, and the
/// degradation modes that make charge counting drift (<see cref="ShuttleCurrentA"/>,
/// <see cref="ActiveMaterialLossPerCycle"/>; see <see cref="Degradation"/>).
/// Presets: <see cref="LgM50"/> and <see cref="CoinCell"/>; derive variants with <c>with</c>.
/// </summary>
public sealed partial record CellParameters
{
    /// <summary>Positive-electrode charge per unit cathode c_Li, A·h: Q_p = F·c_max·L·ε·A/3600. This is the
    /// twin's Q_Li (8.732 A·h for the LG M50), so the simulated c_Li is on Chen et al. 2020's normalisation of c_max,
    /// not lithium per formula unit (docs/model.md §1).</summary>
    public required double PositiveCapacityAh { get; init; }

    /// <summary>Negative-electrode charge per unit anode stoichiometry, A·h (Q_n, same formula).</summary>
    public required double NegativeCapacityAh { get; init; }

    /// <summary>Nominal cell capacity, A·h: the capacity a C-rate refers to (1C = this many amperes). Also sets
    /// the current below which the cycle counter ignores the current direction (C/10000).</summary>
    public required double NominalCapacityAh { get; init; }

    /// <summary>Initial cathode lithium content c_Li (1 = fully lithiated), within the positive OCV table.</summary>
    public required double InitialCathodeCLi { get; init; }

    /// <summary>Initial anode lithium stoichiometry x (0 = empty), within the negative OCV table.</summary>
    public required double InitialAnodeStoichiometry { get; init; }

    /// <summary>Ohmic resistance R0, Ω (&gt; 0).</summary>
    public required double R0Ohm { get; init; }

    /// <summary>Resistance of the RC pair R1, Ω (&gt; 0).</summary>
    public required double R1Ohm { get; init; }

    /// <summary>Capacitance of the RC pair C1, F (&gt; 0); time constant R1·C1.</summary>
    public required double C1Farad { get; init; }

    /// <summary>
    /// Lithium lost to the SEI: the fraction f of the charge passed during a charge that is consumed at the anode
    /// instead of intercalated (0 ≤ f &lt; 1). A full charge then loses about f of the cyclable lithium
    /// (f = 0.005: 0.5 % of the inventory per cycle).
    /// </summary>
    public required double SeiLossFraction { get; init; }

    /// <summary>
    /// Parasitic shuttle current, A (≥ 0; default 0): an internal path between the electrodes (a redox shuttle or a
    /// soft short) in parallel with intercalation. It always flows in the self-discharge direction, so the current
    /// that moves lithium is I − I_sh (I the terminal current, positive = charge): on charge the instrument sources
    /// I_sh more than the electrodes see, at rest the cell self-discharges by I_sh. Charge counting from the terminal
    /// current therefore runs ahead of the cathode by I_sh·t/Q_p (counted c_Li too low).
    /// </summary>
    public double ShuttleCurrentA { get; init; }

    /// <summary>
    /// Loss of cathode active material per cycle, fraction (0 ≤ m &lt; 1; default 0). At every start of a charge after
    /// a discharge (when <see cref="EquivalentCircuitCell.Cycle"/> counts up) Q_p shrinks to Q_p·(1 − m); the particles
    /// lost keep the lithium they hold (lithiated loss of active material, LAM_liPE in the classification of Birkl et
    /// al., J. Power Sources 341 (2017) 373), so the c_Li of the material left is unchanged at that moment and every
    /// later A·h moves it by 1/Q_p(1 − m)ⁿ. Counting with the original Q_p then under-states the swing of c_Li
    /// (counted c_Li too high at the end of a charge: the unsafe direction).
    /// </summary>
    public double ActiveMaterialLossPerCycle { get; init; }

    /// <summary>Ambient (and initial cell) temperature, °C.</summary>
    public required double AmbientTemperatureC { get; init; }

    /// <summary>Thermal resistance cell → ambient, K/W (&gt; 0).</summary>
    public required double ThermalResistanceKPerW { get; init; }

    /// <summary>Lumped heat capacity of the cell, J/K (&gt; 0).</summary>
    public required double HeatCapacityJPerK { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is not finite or out of its range; the message names the
    /// parameter, its value and the allowed range.</exception>
    public void Validate()
    {
        Positive(PositiveCapacityAh, nameof(PositiveCapacityAh), "A·h");
        Positive(NegativeCapacityAh, nameof(NegativeCapacityAh), "A·h");
        Positive(NominalCapacityAh, nameof(NominalCapacityAh), "A·h");
        UnitInterval(InitialCathodeCLi, nameof(InitialCathodeCLi));
        UnitInterval(InitialAnodeStoichiometry, nameof(InitialAnodeStoichiometry));
        Positive(R0Ohm, nameof(R0Ohm), "Ω");
        Positive(R1Ohm, nameof(R1Ohm), "Ω");
        Positive(C1Farad, nameof(C1Farad), "F");
        if (!(SeiLossFraction >= 0 && SeiLossFraction < 1))
            throw new ArgumentException($"{nameof(SeiLossFraction)} must lie in [0, 1), got {SeiLossFraction}", nameof(SeiLossFraction));
        if (!(AmbientTemperatureC >= -273.15 && double.IsFinite(AmbientTemperatureC)))
            throw new ArgumentException($"{nameof(AmbientTemperatureC)} must be a finite temperature above absolute zero, got {AmbientTemperatureC} °C", nameof(AmbientTemperatureC));
        if (!(ShuttleCurrentA >= 0 && double.IsFinite(ShuttleCurrentA)))
            throw new ArgumentException($"{nameof(ShuttleCurrentA)} must be finite and ≥ 0 A, got {ShuttleCurrentA} A", nameof(ShuttleCurrentA));
        if (!(ActiveMaterialLossPerCycle >= 0 && ActiveMaterialLossPerCycle < 1))
            throw new ArgumentException($"{nameof(ActiveMaterialLossPerCycle)} must lie in [0, 1), got {ActiveMaterialLossPerCycle}", nameof(ActiveMaterialLossPerCycle));
        Positive(ThermalResistanceKPerW, nameof(ThermalResistanceKPerW), "K/W");
        Positive(HeatCapacityJPerK, nameof(HeatCapacityJPerK), "J/K");
    }

    private static void Positive(double value, string name, string unit)
    {
        if (!(value > 0 && double.IsFinite(value)))
            throw new ArgumentException($"{name} must be positive and finite, got {value} {unit}", name);
    }

    private static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentException($"{name} must lie in [0, 1], got {value}", name);
    }
}
