using System.Globalization;
using System.Text;
using Twin.Core.Materials;
using Twin.FirmwareSim.Diffraction;

namespace Twin.Cli.Tests;

/// <summary>
/// A synthetic operando experiment written to disk as a real one would be: a Battery Data Format CSV of a cell cycled
/// at C/5 between true c_Li 0.45 and 0.90 (with its Unix start time), and one pyFAI-style pattern per 20 min drawn by
/// the simulator at the true c_Li from the simulator's own lattice truth (not the twin's model), with counting noise.
/// The truth at each end of charge is kept for the assertions.
/// </summary>
internal sealed class OperandoFiles
{
    /// <summary>Unix time of the first sample, s (2026-01-01T00:00:00Z).</summary>
    public const long StartUnixS = 1_767_225_600;

    public const double StepS = 30;
    public const double PatternEveryS = 1200;
    public const double ExposureS = 60;

    public OperandoFiles(string dir, double qLiTrueAh, double cLi0True, int cycles, bool unixTimeColumn = true)
    {
        Dir = dir;
        CyclerFile = Path.Combine(dir, "cell.csv");
        PatternsDir = Path.Combine(dir, "patterns");
        LatticeCsv = Path.Combine(dir, "lattice.csv");
        Directory.CreateDirectory(PatternsDir);
        var material = MaterialCatalog.Default.Get("NMC811");
        var lattice = new SimulatorLattice(material);
        var settings = new DiffractometerSettings();
        var (tthMin, tthMax) = settings.TwoThetaRangeDeg();
        var ci = CultureInfo.InvariantCulture;
        var csv = new StringBuilder(unixTimeColumn
            ? "Test Time / s,Unix Time / s,Current / A,Voltage / V,Step Type / 1,Step Index / 1\n"
            : "Test Time / s,Current / A,Voltage / V,Step Type / 1,Step Index / 1\n");
        var latticeCsv = new StringBuilder("time_s,a_A,c_A,a_sigma_A,c_sigma_A\n");
        double t = 0, c = cLi0True, current = qLiTrueAh / 5;
        int pattern = 0;
        void Row(double i, string kind, int step)
        {
            string unix = unixTimeColumn ? string.Create(ci, $"{StartUnixS + t:R},") : "";
            csv.Append(ci, $"{t:R},{unix}{i:R},{4.3 - 0.8 * c:R},{kind},{step}\n");
            if (t % PatternEveryS == 0 && t > 0) Pattern(++pattern);
        }
        void Pattern(int n)
        {
            // The sample clock's t is mid-exposure; the truth there is c.
            string id = string.Create(ci, $"p{n:0000}");
            long mid = (StartUnixS * 1_000_000_000L) + (long)(t * 1e9);
            long start = mid - (long)(ExposureS / 2 * 1e9), end = mid + (long)(ExposureS / 2 * 1e9);
            var peaks = PatternSynthesizer.Peaks(lattice, c, settings);
            var (x, y, s) = PatternSynthesizer.Profile(settings, peaks, ExposureS, new Random(n));
            string path = Path.Combine(PatternsDir, id + ".xy");
            var exposure = new DiffractionExposure(id, start, end, ExposureS, settings.WavelengthA, tthMin, tthMax, settings.Detector, path,
                c, mid, lattice.A(c), lattice.C(c), peaks);
            IntegratedPatternWriter.Write(path, exposure, settings.DistanceM, x, y, s);
            latticeCsv.Append(ci, $"{t:R},{lattice.A(c):R},{lattice.C(c):R},0.0002,0.002\n");
            Patterns.Add((t, c));
        }
        void Run(double i, string kind, int step, Func<bool> done)
        {
            Row(i, kind, step);
            while (!done())
            {
                t += StepS;
                c -= i * StepS / 3600 / qLiTrueAh;
                Row(i, kind, step);
            }
        }
        for (int k = 0; k < cycles; k++)
        {
            Run(current, "charge", 4 * k + 1, () => c <= 0.45);
            EndsOfCharge.Add((t, c));
            double restEnd = t + 1800;
            t += StepS;
            Run(0, "rest", 4 * k + 2, () => t >= restEnd);
            t += StepS;
            Run(-current, "discharge", 4 * k + 3, () => c >= 0.90);
            restEnd = t + 1800;
            t += StepS;
            Run(0, "rest", 4 * k + 4, () => t >= restEnd);
            t += StepS;
        }
        File.WriteAllText(CyclerFile, csv.ToString());
        File.WriteAllText(LatticeCsv, latticeCsv.ToString());
    }

    public string Dir { get; }

    public string CyclerFile { get; }

    public string PatternsDir { get; }

    public string LatticeCsv { get; }

    /// <summary>(time on the sample clock, true c_Li) of every pattern.</summary>
    public List<(double TimeS, double CLi)> Patterns { get; } = [];

    /// <summary>(time, true c_Li) at the last sample of each charge.</summary>
    public List<(double TimeS, double CLi)> EndsOfCharge { get; } = [];
}
