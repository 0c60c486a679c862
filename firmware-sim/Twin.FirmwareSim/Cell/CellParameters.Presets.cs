namespace Twin.FirmwareSim.Cell;

// Documented parameter sets (presets) for EquivalentCircuitCell.
public sealed partial record CellParameters
{
    /// <summary>Diameter of the coin cell's cathode disc, m (CR2032 practice: 12 mm cathode).</summary>
    public const double CoinCathodeDiameterM = 0.012;

    /// <summary>Diameter of the coin cell's anode disc, m (CR2032 practice: oversized 15 mm anode).</summary>
    public const double CoinAnodeDiameterM = 0.015;

    /// <summary>
    /// LG M50 21700 cell (NMC811 ‖ graphite-SiOx, 5 A·h nominal), after Chen et al., J. Electrochem. Soc. 167
    /// (2020) 080534.
    /// </summary>
    /// <remarks>
    /// From Chen 2020 (via <see cref="ElectrodeOcv.LgM50"/>): Q_p = F·63104 mol/m³·75.6 µm·0.665·(0.065 m ×
    /// 1.58 m)/3600 = 8.732 A·h; Q_n = F·33133·85.2 µm·0.75·0.1027 m²/3600 = 5.828 A·h; start at 0 % SOC
    /// (c_Li = 0.9084, x = 0.0279). Not from Chen 2020 and only representative of a 21700 cell of this class:
    /// R0 = 20 mΩ, R1 = 10 mΩ, C1 = 3000 F (τ = 30 s); SEI loss f = 0.05 % of the charge (illustrative);
    /// thermal: 25 °C ambient, 75 J/K (≈ 68 g × 1.1 J/(g·K)), 18.8 K/W (10 W/(m²·K) over the 5.3·10⁻³ m² can).
    /// </remarks>
    public static CellParameters LgM50 => FromChen2020(1.0, 1.0, 5.0) with
    {
        R0Ohm = 0.020,
        R1Ohm = 0.010,
        C1Farad = 3000,
        SeiLossFraction = 0.0005,
        ThermalResistanceKPerW = 18.8,
        HeatCapacityJPerK = 75,
    };

    /// <summary>
    /// A CR2032 NMC811 ‖ graphite-SiOx coin cell cut from the LG M50 electrode sheets of Chen et al. (2020):
    /// Ø 12 mm cathode, Ø 15 mm anode; about 6.2 mA·h between 2.5 V and 4.2 V. Used by the closed-loop demo.
    /// </summary>
    /// <remarks>
    /// Scaling (stated): each electrode capacity is the LG M50 one times (disc area / 0.1027 m²) with the same
    /// coating (thickness, active fraction, c_max), so Q_p = 8.732 A·h × 1.131·10⁻⁴/0.1027 = 9.62 mA·h and
    /// Q_n = 5.828 A·h × 1.767·10⁻⁴/0.1027 = 10.03 mA·h. The oversized anode (customary in coin cells) puts the
    /// anode at the end of a 4.2 V charge on the sloping part of the graphite curve (x ≈ 0.64), so lithium loss
    /// also lowers the end-of-charge c_Li. Nominal capacity Q_p·(0.9084 − 0.2661) (Chen's 0 %/100 % SOC cathode
    /// stoichiometries). Resistances scale with the inverse cathode area (same area-specific resistance as
    /// <see cref="LgM50"/>: R0 = 18.2 Ω, R1 = 9.1 Ω), C1 with the area (τ = 30 s kept). SEI loss f = 0.5 % of the
    /// charge (a fast-ageing demo cell). Thermal: 25 °C ambient, 2.5 J/K (≈ 3 g of steel can and contents),
    /// 120 K/W (10 W/(m²·K) over 8.3·10⁻⁴ m²).
    /// </remarks>
    public static CellParameters CoinCell
    {
        get
        {
            ElectrodeOcv ocv = ElectrodeOcv.LgM50;
            double cathodeArea = Math.PI * CoinCathodeDiameterM * CoinCathodeDiameterM / 4;
            double anodeArea = Math.PI * CoinAnodeDiameterM * CoinAnodeDiameterM / 4;
            double cathodeScale = cathodeArea / ocv.ElectrodeAreaM2;
            double anodeScale = anodeArea / ocv.ElectrodeAreaM2;
            double window = ocv.PositiveElectrode.StoichiometryAt0Soc - ocv.PositiveElectrode.StoichiometryAt100Soc;
            CellParameters lg = LgM50;
            return FromChen2020(cathodeScale, anodeScale, double.NaN) with
            {
                NominalCapacityAh = lg.PositiveCapacityAh * cathodeScale * window,
                R0Ohm = lg.R0Ohm / cathodeScale,
                R1Ohm = lg.R1Ohm / cathodeScale,
                C1Farad = lg.C1Farad * cathodeScale,
                SeiLossFraction = 0.005,
                ThermalResistanceKPerW = 120,
                HeatCapacityJPerK = 2.5,
            };
        }
    }

    private static CellParameters FromChen2020(double cathodeScale, double anodeScale, double nominalAh)
    {
        ElectrodeOcv ocv = ElectrodeOcv.LgM50;
        return new CellParameters
        {
            PositiveCapacityAh = ocv.PositiveElectrode.CapacityAh(ocv.ElectrodeAreaM2 * cathodeScale),
            NegativeCapacityAh = ocv.NegativeElectrode.CapacityAh(ocv.ElectrodeAreaM2 * anodeScale),
            NominalCapacityAh = nominalAh,
            InitialCathodeCLi = ocv.PositiveElectrode.StoichiometryAt0Soc,
            InitialAnodeStoichiometry = ocv.NegativeElectrode.StoichiometryAt0Soc,
            R0Ohm = double.NaN,
            R1Ohm = double.NaN,
            C1Farad = double.NaN,
            SeiLossFraction = 0,
            AmbientTemperatureC = 25,
            ThermalResistanceKPerW = double.NaN,
            HeatCapacityJPerK = double.NaN,
        };
    }
}
