using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.RestVoltage;
using Twin.Data.Readers;
using Twin.Testing;
using Xunit.Abstractions;

namespace Twin.Core.Tests;

/// <summary>
/// The rests of the shipped LG M50 file (NMC811 | graphite-SiOx, 5 A·h, 0 °C; 2 h rests sampled every 30 s): what
/// the detector and the OCP inversion make of them, next to counted c_Li (Q_Li = 8.732 A·h, c_Li0 = 0.80).
/// </summary>
public class LgM50RestVoltageTests(ITestOutputHelper output)
{
    private static readonly CellConfig Cell = CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80)
        with { CounterElectrode = CounterElectrode.Graphite };

    /// <summary>The rests after the four CV holds at 4.2 V (Maccor steps 6, 11, 16, 21).</summary>
    private static readonly int[] TopOfChargeRestSteps = [6, 11, 16, 21];

    private sealed record Rest(int Step, RestObservation Observation, double CountedCLi, RestVoltageResult Result);

    private List<Rest> Replay(RelaxationOptions options)
    {
        var detector = new RelaxationDetector(5.0, options); // the LG M50's nominal capacity
        var inversion = RestVoltageInversion.ForCell(Cell);
        var twin = new CellTwin(Cell);
        var rests = new List<Rest>();
        int step = 0;
        double counted = double.NaN;
        using var reader = CyclerFileReader.Open(RepoPaths.Sample("lg-m50-nmc811-maccor.txt"));
        foreach (var s in reader)
        {
            bool wasResting = detector.InRest;
            if (detector.Add(s, out var o)) rests.Add(new Rest(step, o, counted, inversion.Invert(o, options)));
            if (detector.InRest && !wasResting) step = s.Step;
            twin.Update(s);
            counted = twin.CLi;
        }
        if (detector.Complete(out var last)) rests.Add(new Rest(step, last, counted, inversion.Invert(last, options)));
        foreach (var r in rests)
            output.WriteLine($"step {r.Step,2} {r.Observation.Outcome,-13} t {r.Observation.TimeS / 3600,6:0.00} h  V {r.Observation.VoltageV:0.00000} V  " +
                $"slope {r.Observation.SlopeMVPerHour,6:0.00} mV/h  counted c_Li {r.CountedCLi:0.0000}  " +
                (r.Result.HasMeasurement ? $"c_Li {r.Result.CLi:0.0000} ± {r.Result.Sigma:0.0000} (U_cathode {r.Result.CathodePotentialV:0.0000} V, σ_U {r.Result.VoltageSigmaV * 1e3:0.0} mV)" : r.Result.Reason));
        return rests;
    }

    [Fact]
    public void With_the_default_1_mV_per_hour_no_rest_of_the_file_is_relaxed()
    {
        var rests = Replay(RelaxationOptions.Default);
        Assert.Equal([1, 3, 6, 8, 11, 13, 16, 18, 21, 23], rests.Select(r => r.Step));
        Assert.All(rests, r => Assert.False(r.Result.HasMeasurement));
        foreach (var r in rests.Where(r => TopOfChargeRestSteps.Contains(r.Step)))
        {
            // After 2 h at 0 °C the top-of-charge voltage still falls by about 3 mV/h.
            Assert.Equal(RestOutcome.StillRelaxing, r.Observation.Outcome);
            Assert.InRange(r.Observation.SlopeMVPerHour, -3.4, -3.0);
            Assert.InRange(r.Observation.VoltageV, 4.1730, 4.1735);
            Assert.Contains("still relaxing", r.Result.Reason);
        }
        Assert.Equal(RestOutcome.TooShort, rests[0].Observation.Outcome);
    }

    [Fact]
    public void At_5_mV_per_hour_the_four_top_of_charge_rests_give_the_same_c_li_while_counting_drifts()
    {
        var options = RelaxationOptions.Default with { MaxSlopeMVPerHour = 5 };
        var rests = Replay(options);
        var top = rests.Where(r => TopOfChargeRestSteps.Contains(r.Step)).ToList();
        Assert.Equal(4, top.Count);
        Assert.All(top, r =>
        {
            Assert.Equal(RestOutcome.Relaxed, r.Observation.Outcome);
            Assert.InRange(r.Observation.VoltageV, 4.1730, 4.1735);
            Assert.True(r.Result.HasMeasurement, r.Result.Reason);
            Assert.InRange(r.Result.CLi, 0.261, 0.264); // Chen 2020's normalised stoichiometry
            Assert.InRange(r.Result.Sigma, 0.0008, 0.002);
        });
        double spread = top.Max(r => r.Result.CLi) - top.Min(r => r.Result.CLi);
        double drift = top[^1].CountedCLi - top[0].CountedCLi;
        Assert.True(spread < 0.0005, $"spread of the measured c_Li {spread:0.00000}");
        Assert.True(drift > 0.008, $"counted c_Li drifted by {drift:0.0000}");
        // The rests after discharge that meet 5 mV/h are far below the graphite plateau: no measurement, with the reason.
        var low = rests.Where(r => r.Observation.IsRelaxed && !TopOfChargeRestSteps.Contains(r.Step)).ToList();
        Assert.NotEmpty(low);
        Assert.All(low, r => Assert.Contains("off its stage-1 plateau", r.Result.Reason));
    }
}
