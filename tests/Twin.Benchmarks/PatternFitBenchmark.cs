using BenchmarkDotNet.Attributes;
using Twin.Core.Diffraction;
using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.Core.Tests.Diffraction;
using Twin.Data.Readers.Diffraction;

namespace Twin.Benchmarks;

/// <summary>
/// Diffraction as a measurement: one integrated pattern of 5,000 points (60 keV, 2θ 1.5–7°, (003), (101) and (104)
/// drawn, Poisson noise) fitted for a and c — (003) and (104) by least squares, (018)/(110) out of range — then
/// inverted to c_Li; and the same with the .xy text read first.
/// </summary>
[MemoryDiagnoser]
public class PatternFitBenchmark
{
    private readonly LatticeModel _model = new(MaterialCatalog.Default.Get("NMC811"));
    private PatternFitter _fitter = null!;
    private LatticeInversion _inversion = null!;
    private PowderPattern _pattern = null!;
    private string _text = "";
    private MeasuredLattice _lattice;

    [GlobalSetup]
    public void Setup()
    {
        var s = new SyntheticPattern { AA = _model.A(0.55), CA = _model.C(0.55), Points = 5000, FwhmDeg = 0.03, PeakCounts = 3000 };
        var (x, y, sigma) = s.Generate(new Random(2024));
        _pattern = new PowderPattern("bench.xy", RadialAxis.TwoThetaDeg, x, y, sigma, s.WavelengthA);
        _text = s.ToXy(new Random(2024), "2th_deg", [$"Wavelength: {s.WavelengthA * 1e-10:R} m"]);
        _fitter = new PatternFitter(_model);
        _inversion = new LatticeInversion(_model);
        var r = _fitter.Fit(_pattern);
        if (!r.Succeeded) throw new InvalidOperationException(r.Message);
        _lattice = r.Measured!.Value;
    }

    [Benchmark(Description = "PatternFitter.Fit, 5,000 points, (003)+(104)")]
    public double Fit() => _fitter.Fit(_pattern).Lattice!.Value.AA;

    [Benchmark(Description = "read .xy text + fit, 5,000 points")]
    public double ReadAndFit() => _fitter.Fit(IntegratedPatternReader.Parse(new StringReader(_text), "bench.xy").Pattern).Lattice!.Value.CA;

    [Benchmark(Description = "LatticeInversion.Invert (a and c)")]
    public double Invert() => _inversion.Invert(_lattice).CLi;
}
