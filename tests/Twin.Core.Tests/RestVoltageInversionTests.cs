using System.Text;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Core.Ocv;
using Twin.Core.RestVoltage;

namespace Twin.Core.Tests;

public class RestVoltageInversionTests
{
    private static readonly Material Nmc811 = MaterialCatalog.Default.Get("NMC811");
    private static readonly OcpCurve Cathode = OcpCatalog.Default.CathodeFor(Nmc811)!;
    private static readonly GraphitePlateau Plateau = OcpCatalog.Default.GraphiteAnode()!.Plateau!;

    private static RestVoltageInversion For(CounterElectrode counter, string material = "NMC811", RestVoltageOptions? options = null) =>
        RestVoltageInversion.ForCell(CellConfig.WithDefaults("c", MaterialCatalog.Default.Get(material), 8.732, 0.8) with { CounterElectrode = counter }, options);

    public static TheoryData<double> Contents => new() { 0.26, 0.28, 0.35, 0.42, 0.5, 0.6, 0.7, 0.8, 0.9 };

    [Theory]
    [MemberData(nameof(Contents))]
    public void A_half_cell_or_reference_electrode_voltage_inverts_exactly(double cLi)
    {
        foreach (var counter in new[] { CounterElectrode.LiMetal, CounterElectrode.Reference })
        {
            double v = Cathode.PotentialV(cLi);
            var r = For(counter).Invert(100, v, fitSigmaV: 0, slopeVPerS: 0);
            Assert.True(r.HasMeasurement, r.Reason);
            Assert.Equal(cLi, r.CLi, 1e-9);
            Assert.Equal(v, r.CathodePotentialV);
            double sigmaV = Math.Sqrt(1e-6 + Math.Pow(Cathode.SigmaV(cLi), 2));
            Assert.Equal(sigmaV, r.VoltageSigmaV, 1e-12);
            Assert.Equal(sigmaV / Math.Abs(Cathode.SlopeVPerX(cLi)), r.Sigma, 1e-12);
            Assert.Equal(OcpScale.NormalisedStoichiometry, r.Scale);
            var m = r.ToMeasurement();
            Assert.Equal(new LithiumMeasurement(100, r.CLi, r.Sigma, LithiumMeasurementKind.RestVoltage), m);
            Assert.True(m.IsUsable);
        }
    }

    [Fact]
    public void Sigma_adds_the_fit_error_and_the_remaining_drift()
    {
        var inv = For(CounterElectrode.LiMetal);
        double v = Cathode.PotentialV(0.5);
        var still = inv.Invert(0, v, 0, 0);
        var drifting = inv.Invert(0, v, fitSigmaV: 3e-4, slopeVPerS: 2e-3 / 3600); // 2 mV/h left, τ = 1 h → 2 mV
        double expected = Math.Sqrt(still.VoltageSigmaV * still.VoltageSigmaV + 3e-4 * 3e-4 + 2e-3 * 2e-3);
        Assert.Equal(expected, drifting.VoltageSigmaV, 1e-12);
        Assert.True(drifting.Sigma > 2 * still.Sigma);
    }

    [Theory]
    [InlineData(0.265)]
    [InlineData(0.30)]
    [InlineData(0.40)]
    public void A_full_cell_on_the_graphite_plateau_inverts_with_the_plateau_s_uncertainty(double cLi)
    {
        double vCell = Cathode.PotentialV(cLi) - Plateau.PotentialV;
        Assert.True(vCell > 3.93);
        var full = For(CounterElectrode.Graphite).Invert(0, vCell, 0, 0);
        var half = For(CounterElectrode.LiMetal).Invert(0, Cathode.PotentialV(cLi), 0, 0);
        Assert.True(full.HasMeasurement, full.Reason);
        Assert.Equal(cLi, full.CLi, 1e-9);
        Assert.Equal(Math.Sqrt(half.VoltageSigmaV * half.VoltageSigmaV + Plateau.SigmaV * Plateau.SigmaV), full.VoltageSigmaV, 1e-12);
        Assert.True(full.Sigma > 2 * half.Sigma, $"full cell σ {full.Sigma:0.0000}, half cell σ {half.Sigma:0.0000}");
    }

    [Theory]
    [InlineData(3.70)]
    [InlineData(3.92)]
    public void A_full_cell_off_the_plateau_gives_no_measurement(double vCell)
    {
        var r = For(CounterElectrode.Graphite).Invert(0, vCell, 0, 0);
        Assert.False(r.HasMeasurement);
        Assert.Contains("below 3.93 V: the graphite anode is off its stage-1 plateau", r.Reason);
        Assert.True(double.IsNaN(r.CLi));
        Assert.Contains("graphite anode is off", Assert.Throws<InvalidOperationException>(() => r.ToMeasurement()).Message);
    }

    [Fact]
    public void The_same_voltage_in_a_half_cell_is_a_measurement()
    {
        Assert.True(For(CounterElectrode.LiMetal).Invert(0, 3.70, 0, 0).HasMeasurement);
    }

    [Theory]
    [InlineData(4.40)]
    [InlineData(3.40)]
    public void A_potential_outside_the_measured_table_gives_no_measurement(double v)
    {
        var r = For(CounterElectrode.LiMetal).Invert(0, v, 0, 0);
        Assert.Contains("lies outside the measured range of 'NMC811 (LG M50, Chen 2020)'", r.Reason);
    }

    [Fact]
    public void Where_the_curve_is_too_flat_for_the_voltage_accuracy_no_measurement_is_made()
    {
        // A table flat in the middle: dU/dx = −0.01 − 60 (x − 0.45)² V per unit, −0.01 at 0.45, −3.8 at 0.2.
        var pts = new List<OcpPoint>();
        for (int i = 0; i <= 60; i++)
        {
            double x = 0.1 + 0.01 * i;
            pts.Add(new OcpPoint(x, 4.0 - 0.01 * (x - 0.45) - 20 * Math.Pow(x - 0.45, 3), "synthetic"));
        }
        var flat = OcpCurve.FromPoints("flat", OcpElectrode.Cathode, "NMC811", OcpScale.LithiumPerFormulaUnit, "per f.u.", pts, 0.045, 0.01, "synthetic");
        var inv = new RestVoltageInversion(CounterElectrode.LiMetal, "NMC811", flat, null);
        var onPlateau = inv.Invert(0, flat.PotentialV(0.45), 0, 0);
        Assert.False(onPlateau.HasMeasurement);
        Assert.Contains("too flat at c_Li 0.45", onPlateau.Reason);
        Assert.Contains("above 0.02", onPlateau.Reason);
        Assert.Equal(0.45, onPlateau.CLi, 1e-6); // what it would have been, for the record
        Assert.True(onPlateau.Sigma > 0.02);
        var steep = inv.Invert(0, flat.PotentialV(0.2), 0, 0);
        Assert.True(steep.HasMeasurement, steep.Reason);
        Assert.Equal(0.2, steep.CLi, 1e-6);
        // A looser limit accepts the flat part.
        Assert.True(new RestVoltageInversion(CounterElectrode.LiMetal, "NMC811", flat, null, new RestVoltageOptions(MaxSigmaCLi: 1)).Invert(0, flat.PotentialV(0.45), 0, 0).HasMeasurement);
    }

    [Fact]
    public void Without_a_counter_electrode_or_a_table_no_measurement_is_made()
    {
        Assert.Contains("counter_electrode is not set", For(CounterElectrode.Unspecified).Invert(0, 4.0, 0, 0).Reason);
        Assert.Contains("no open-circuit-potential table for NMC622", For(CounterElectrode.LiMetal, "NMC622").Invert(0, 4.0, 0, 0).Reason);
        Assert.Contains("no open-circuit-potential table for LNO", For(CounterElectrode.LiMetal, "LNO").Invert(0, 4.0, 0, 0).Reason);
        Assert.Contains("no graphite table", new RestVoltageInversion(CounterElectrode.Graphite, "NMC811", Cathode, null).Invert(0, 4.1, 0, 0).Reason);
        Assert.Contains("not a finite number", For(CounterElectrode.LiMetal).Invert(0, double.NaN, 0, 0).Reason);
    }

    [Fact]
    public void A_rest_that_did_not_relax_passes_on_the_detector_s_reason()
    {
        var rest = new RestObservation(RestOutcome.StillRelaxing, 0, 7200, 7200, 4.1731, 2e-5, -3.2e-3 / 3600, 1e-5 / 3600, 0);
        var r = For(CounterElectrode.Graphite).Invert(rest, RelaxationOptions.Default);
        Assert.False(r.HasMeasurement);
        Assert.Contains("still relaxing", r.Reason);
        var relaxed = rest with { Outcome = RestOutcome.Relaxed, RelaxedForS = 1800 };
        Assert.True(For(CounterElectrode.Graphite).Invert(relaxed, RelaxationOptions.Default).HasMeasurement);
    }

    [Fact]
    public void Wrong_tables_and_options_are_refused()
    {
        var graphite = OcpCatalog.Default.GraphiteAnode()!;
        Assert.Throws<ArgumentException>(() => new RestVoltageInversion(CounterElectrode.LiMetal, "NMC811", graphite, null));
        Assert.Throws<ArgumentException>(() => new RestVoltageInversion(CounterElectrode.Graphite, "NMC811", Cathode, Cathode));
        Assert.Contains("voltage accuracy", Assert.Throws<ArgumentException>(() => For(CounterElectrode.LiMetal, options: new RestVoltageOptions(VoltageAccuracyV: 0))).Message);
    }

    [Fact]
    public void The_counter_electrode_is_part_of_the_cell_configuration()
    {
        var c = CellConfig.WithDefaults("c", Nmc811, 1, 0.9);
        Assert.Equal(CounterElectrode.Unspecified, c.CounterElectrode);
        (c with { CounterElectrode = CounterElectrode.Graphite }).Validate();
        Assert.Contains("counter electrode 9", Assert.Throws<ArgumentException>(() => (c with { CounterElectrode = (CounterElectrode)9 }).Validate()).Message);
        Assert.Equal(CounterElectrode.LiMetal, CounterElectrodeNames.Parse("li_metal"));
        Assert.Equal(CounterElectrode.Unspecified, CounterElectrodeNames.Parse(null));
        Assert.Equal("reference", CounterElectrode.Reference.Name());
        Assert.Contains("expected li_metal, graphite or reference", Assert.Throws<ArgumentException>(() => CounterElectrodeNames.Parse("Li")).Message);
    }
}
