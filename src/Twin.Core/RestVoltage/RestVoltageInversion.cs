using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Ocv;

namespace Twin.Core.RestVoltage;

/// <summary>
/// Turns a relaxed voltage into the cathode lithium content c_Li through the cathode's open-circuit potential
/// (docs/model.md, "Rest voltage as a measurement").
/// </summary>
/// <remarks>
/// <para>Lithium-metal half cell and three-electrode cell (<see cref="CounterElectrode.LiMetal"/>,
/// <see cref="CounterElectrode.Reference"/>): the relaxed voltage is the cathode potential vs Li/Li⁺ and is inverted
/// exactly. Full cell with graphite (<see cref="CounterElectrode.Graphite"/>): only at or above
/// <see cref="RestVoltageOptions.GraphitePlateauMinCellVoltageV"/>, where the anode is on its stage-1 plateau, with
/// U_cathode = V_cell + U_plateau; below it the anode potential is unknown and no measurement is made.</para>
/// <para>σ(c_Li) = σ_U / |dU/dc_Li| at the answer, with σ_U² the sum of the squares of: the instrument's voltage
/// accuracy, the standard error of the fitted relaxed voltage, the relaxation still to come (|dV/dt|·τ), the scatter
/// of the table's measured points about its smoothed curve there, and (full cell) the plateau's σ. Where σ exceeds
/// <see cref="RestVoltageOptions.MaxSigmaCLi"/> the curve is too flat and no measurement is made.</para>
/// <para>Immutable and thread-safe; an inversion allocates only its result (and the reason text when it refuses).</para>
/// </remarks>
public sealed class RestVoltageInversion
{
    private readonly string _material;

    /// <summary>Creates an inversion.</summary>
    /// <param name="counterElectrode">What the voltage is measured against.</param>
    /// <param name="material">Cathode material name, for messages.</param>
    /// <param name="cathode">The cathode's open-circuit potential (a cathode table), or null when none is known.</param>
    /// <param name="anode">For a full cell: a graphite table with a stage-1 plateau, or null.</param>
    /// <param name="options">Accuracy and limits; <see cref="RestVoltageOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A table of the wrong electrode, an anode without a plateau, or an invalid option.</exception>
    public RestVoltageInversion(CounterElectrode counterElectrode, string material, OcpCurve? cathode, OcpCurve? anode, RestVoltageOptions? options = null)
    {
        if (cathode is not null && cathode.Electrode != OcpElectrode.Cathode) throw new ArgumentException($"'{cathode.Name}' is not a cathode table", nameof(cathode));
        if (anode is not null && (anode.Electrode != OcpElectrode.Anode || anode.Plateau is null))
            throw new ArgumentException($"'{anode.Name}' is not an anode table with a stage-1 plateau", nameof(anode));
        Options = options ?? RestVoltageOptions.Default;
        Options.Validate();
        CounterElectrode = counterElectrode;
        _material = material;
        Cathode = cathode;
        Anode = anode;
    }

    /// <summary>The inversion for a cell: its counter electrode, its material's cathode table and the graphite table
    /// of <paramref name="catalog"/>.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="options">Accuracy and limits; defaults when null.</param>
    /// <param name="catalog">Tables; <see cref="OcpCatalog.Default"/> when null.</param>
    /// <returns>The inversion.</returns>
    public static RestVoltageInversion ForCell(CellConfig cell, RestVoltageOptions? options = null, OcpCatalog? catalog = null)
    {
        catalog ??= OcpCatalog.Default;
        return new RestVoltageInversion(cell.CounterElectrode, cell.Material.Name, catalog.CathodeFor(cell.Material), catalog.GraphiteAnode(), options);
    }

    /// <summary>What the voltage is measured against.</summary>
    public CounterElectrode CounterElectrode { get; }

    /// <summary>The cathode table, or null.</summary>
    public OcpCurve? Cathode { get; }

    /// <summary>The graphite table with its plateau, or null.</summary>
    public OcpCurve? Anode { get; }

    /// <summary>Accuracy and limits.</summary>
    public RestVoltageOptions Options { get; }

    /// <summary>Inverts the voltage of a rest the detector reported.</summary>
    /// <param name="rest">The rest.</param>
    /// <param name="relaxation">The detector's options (quoted when the rest did not relax).</param>
    /// <returns>c_Li with σ, or no measurement and why.</returns>
    public RestVoltageResult Invert(in RestObservation rest, RelaxationOptions relaxation)
    {
        if (!rest.IsRelaxed) return RestVoltageResult.None(rest.TimeS, rest.VoltageV, Scale, rest.Describe(relaxation));
        return Invert(rest.TimeS, rest.VoltageV, rest.VoltageSigmaV, rest.SlopeVPerS);
    }

    /// <summary>Inverts a relaxed cell voltage.</summary>
    /// <param name="timeS">Time it applies to, s.</param>
    /// <param name="cellVoltageV">Relaxed cell voltage, V.</param>
    /// <param name="fitSigmaV">Standard error of the relaxed voltage from its fit, V (0 or NaN when none).</param>
    /// <param name="slopeVPerS">Remaining drift dV/dt, V/s (0 or NaN when unknown).</param>
    /// <returns>c_Li with σ, or no measurement and why.</returns>
    public RestVoltageResult Invert(double timeS, double cellVoltageV, double fitSigmaV, double slopeVPerS)
    {
        var c = CultureInfo.InvariantCulture;
        if (!double.IsFinite(cellVoltageV) || !double.IsFinite(timeS))
            return RestVoltageResult.None(timeS, cellVoltageV, Scale, string.Format(c, "relaxed voltage {0} V at t = {1} s is not a finite number", cellVoltageV, timeS));
        if (CounterElectrode == CounterElectrode.Unspecified)
            return RestVoltageResult.None(timeS, cellVoltageV, Scale,
                $"counter_electrode is not set for this cell (expected {CounterElectrodeNames.Expected}): the cell voltage cannot be referred to the cathode");
        if (Cathode is null)
            return RestVoltageResult.None(timeS, cellVoltageV, Scale, $"no open-circuit-potential table for {_material} is known: no published curve is shipped (load your own OCP file)");

        double anodeV = 0, anodeSigma = 0;
        if (CounterElectrode == CounterElectrode.Graphite)
        {
            if (Anode?.Plateau is not { } plateau)
                return RestVoltageResult.None(timeS, cellVoltageV, Scale, "no graphite table with a stage-1 plateau is known: a full cell's voltage cannot be referred to the cathode");
            if (cellVoltageV < Options.GraphitePlateauMinCellVoltageV)
                return RestVoltageResult.None(timeS, cellVoltageV, Scale, string.Format(c,
                    "full cell at {0:0.0000} V, below {1:0.00} V: the graphite anode is off its stage-1 plateau there, so its potential (and the cathode's) is not known",
                    cellVoltageV, Options.GraphitePlateauMinCellVoltageV));
            anodeV = plateau.PotentialV;
            anodeSigma = plateau.SigmaV;
        }
        double cathodeV = cellVoltageV + anodeV;
        if (!Cathode.TryInvert(cathodeV, out double cLi))
            return RestVoltageResult.None(timeS, cellVoltageV, Scale, string.Format(c,
                "cathode potential {0:0.0000} V lies outside the measured range of '{1}' ({2:0.0000} V at c_Li {3:0.###} to {4:0.0000} V at c_Li {5:0.###})",
                cathodeV, Cathode.Name, Cathode.PotentialV(Cathode.MaxX), Cathode.MaxX, Cathode.PotentialV(Cathode.MinX), Cathode.MinX), cathodeV);

        double slope = Cathode.SlopeVPerX(cLi);
        double fit = double.IsFinite(fitSigmaV) ? fitSigmaV : 0;
        double drift = double.IsFinite(slopeVPerS) ? Math.Abs(slopeVPerS) * Options.RelaxationTimeConstantS : 0;
        double table = Cathode.SigmaV(cLi);
        double sigmaV = Math.Sqrt(Options.VoltageAccuracyV * Options.VoltageAccuracyV + fit * fit + drift * drift + table * table + anodeSigma * anodeSigma);
        double sigma = sigmaV / Math.Abs(slope);
        if (!(sigma <= Options.MaxSigmaCLi))
            return RestVoltageResult.None(timeS, cellVoltageV, Scale, string.Format(c,
                "the open-circuit potential is too flat at c_Li {0:0.###} ({1:0.###} V per unit c_Li): σ {2:0.0} mV of the cathode potential gives σ(c_Li) {3:0.###}, above {4:0.###}",
                cLi, slope, sigmaV * 1e3, sigma, Options.MaxSigmaCLi), cathodeV, cLi, sigma, slope, sigmaV);
        return new RestVoltageResult(timeS, cellVoltageV, cathodeV, cLi, sigma, slope, sigmaV, Scale, null);
    }

    private OcpScale Scale => Cathode?.Scale ?? OcpScale.LithiumPerFormulaUnit;
}
