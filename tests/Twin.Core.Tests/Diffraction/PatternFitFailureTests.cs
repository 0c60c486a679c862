using Twin.Core.Diffraction;
using Twin.Core.Lattice;
using Twin.Core.Materials;
using Xunit.Abstractions;

namespace Twin.Core.Tests.Diffraction;

/// <summary>Patterns whose peaks cannot be fitted get a typed reason and a message, never a number.</summary>
public sealed class PatternFitFailureTests(ITestOutputHelper output)
{
    private static readonly LatticeModel Nmc811 = new(MaterialCatalog.Default.Get("NMC811"));

    private PatternFitResult Fit(SyntheticPattern s, PatternFitOptions? options = null, double? wavelength = -1, Action<double[]>? edit = null)
    {
        var (x, y, sigma) = s.Generate(new Random(3));
        edit?.Invoke(y);
        var p = new PowderPattern("bad.xy", RadialAxis.TwoThetaDeg, x, y, sigma, wavelength < 0 ? s.WavelengthA : wavelength);
        var r = new PatternFitter(Nmc811, options).Fit(p);
        output.WriteLine(r.Message);
        return r;
    }

    private static void AssertNoNumber(PatternFitResult r, DiffractionFitFailure expected, string reflection)
    {
        Assert.False(r.Succeeded);
        Assert.Null(r.Lattice);
        Assert.Null(r.Measured);
        Assert.Equal(expected, r.Failure);
        Assert.StartsWith("bad.xy: ", r.Message);
        Assert.Contains($"({reflection})", r.Message);
    }

    [Fact]
    public void Background_without_peaks_is_no_peak()
    {
        var r = Fit(new SyntheticPattern { PeakCounts = 0 });
        AssertNoNumber(r, DiffractionFitFailure.NoPeak, "003");
        Assert.All(r.Reflections.Take(2), f => Assert.Equal(DiffractionFitFailure.NoPeak, f.Failure));
        Assert.Contains("σ above the background", r.Message);
    }

    [Fact]
    public void A_peak_where_the_model_does_not_allow_it_is_at_the_window_edge()
    {
        // c = 14.65 Å is beyond the largest c of NMC811's model (14.467 Å): (003) sits just below its search window.
        var r = Fit(new SyntheticPattern { CA = 14.65 });
        AssertNoNumber(r, DiffractionFitFailure.PeakAtWindowEdge, "003");
    }

    [Fact]
    public void A_wrong_wavelength_is_refused_rather_than_measured()
    {
        var s = new SyntheticPattern();
        var r = Fit(s, wavelength: s.WavelengthA * 0.97);
        Assert.False(r.Succeeded, r.Message);
        Assert.Null(r.Lattice);
        Assert.Contains(r.Failure, new DiffractionFitFailure?[] { DiffractionFitFailure.PeakAtWindowEdge, DiffractionFitFailure.NoPeak });
    }

    [Fact]
    public void Two_theta_data_without_a_wavelength_says_so()
    {
        var r = Fit(new SyntheticPattern(), wavelength: null);
        Assert.Equal(DiffractionFitFailure.WavelengthMissing, r.Failure);
        Assert.Null(r.Lattice);
        Assert.Contains("without a wavelength", r.Message);
        Assert.All(r.Reflections, f => Assert.Equal(DiffractionFitFailure.WavelengthMissing, f.Failure));
    }

    [Fact]
    public void A_peak_cut_by_the_end_of_the_measured_range_is_refused()
    {
        var s = new SyntheticPattern();
        var r = Fit(s with { HighDeg = s.TwoTheta(1, 0, 4) + 0.02 });
        AssertNoNumber(r, DiffractionFitFailure.PeakAtWindowEdge, "104");
        Assert.True(r.Reflections[0].Succeeded, r.Reflections[0].Message);
    }

    [Fact]
    public void A_single_point_spike_does_not_converge_to_a_peak()
    {
        // A spike passes the peak search, but the fitted width runs towards zero: the minimiser gives up.
        var s = new SyntheticPattern { PeakCounts = 0 };
        var r = Fit(s, edit: y =>
        {
            int i = (int)Math.Round((s.TwoTheta(0, 0, 3) - s.LowDeg) / (s.HighDeg - s.LowDeg) * (s.Points - 1));
            y[i] += 20000;
        });
        AssertNoNumber(r, DiffractionFitFailure.NotConverged, "003");
        Assert.Contains("Levenberg–Marquardt", r.Message);
    }

    [Fact]
    public void An_uncertainty_above_the_limit_is_refused()
    {
        var r = Fit(new SyntheticPattern { PeakCounts = 400 }, new PatternFitOptions { MaxASigmaA = 1e-5 });
        Assert.Equal(DiffractionFitFailure.UncertaintyTooLarge, r.Failure);
        Assert.Null(r.Lattice);
        Assert.Contains("σ(a)", r.Message);
    }

    [Fact]
    public void Only_003_cannot_determine_a()
    {
        var r = Fit(new SyntheticPattern(), new PatternFitOptions { Reflections = [HexagonalReflection.R003] });
        Assert.Equal(DiffractionFitFailure.LatticeUndetermined, r.Failure);
        Assert.Null(r.Lattice);
    }

    [Fact]
    public void A_doublet_cut_by_the_end_of_the_data_is_refused_and_the_rest_still_measures()
    {
        // (018) is inside the data, (110) beyond its end for every c_Li of the model.
        var s = new SyntheticPattern { Peaks = SyntheticPattern.LayeredWithDoublet, HighDeg = 8.2, Points = 1100 };
        var r = Fit(s);
        Assert.True(r.Succeeded, r.Message);
        Assert.All(r.Reflections.Skip(2), f => Assert.Equal(DiffractionFitFailure.NotInMeasuredRange, f.Failure));
        Assert.Equal(2, r.Lattice!.Value.Reflections);
        Assert.Contains("no c_Li of the model puts every member", r.Message);

        // With the data ending just past (110)'s lowest position, the doublet is cut: refused, not fitted.
        r = Fit(s with { HighDeg = 8.3 });
        Assert.True(r.Succeeded, r.Message);
        Assert.All(r.Reflections.Skip(2), f => Assert.Equal(DiffractionFitFailure.PeakAtWindowEdge, f.Failure));
    }
}
