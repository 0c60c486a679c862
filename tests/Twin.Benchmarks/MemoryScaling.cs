using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Twin.Benchmarks;

/// <summary>
/// Peak memory of <c>twin replay</c> (Release build, separate processes) on the BDF sample repeated 10× and
/// 100×: the longer file must need less than 1.5× the peak memory of the shorter one.
/// </summary>
internal static partial class MemoryScaling
{
    public static int Run()
    {
        string root = BdfInMemory.FindRoot();
        string twinDll = Path.Combine(root, "src", "Twin.Cli", "bin", "Release", "net10.0", "twin.dll");
        if (!File.Exists(twinDll))
        {
            Console.Error.WriteLine($"{twinDll} not found: build it first with dotnet build src/Twin.Cli -c Release");
            return 2;
        }
        string dir = Path.Combine(Path.GetTempPath(), "twin-memory-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var results = new List<(int Repeats, long Rows, double FileMiB, double PeakMiB, double Rate)>();
            foreach (int repeats in new[] { 10, 100 })
            {
                var (bytes, rows) = BdfInMemory.Build(repeats);
                string file = Path.Combine(dir, $"bdf-x{repeats}.csv");
                File.WriteAllBytes(file, bytes);
                var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { twinDll, "replay", file, "--material", "NMC811", "--q-li-ah", "50", "--c-li0", "0.4", "--out", Path.Combine(dir, $"out{repeats}"), "--stats", "--no-progress" })
                    psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                var m = StatsLine().Match(output);
                if (p.ExitCode != 0 || !m.Success)
                {
                    Console.Error.WriteLine(output + p.StandardError.ReadToEnd());
                    return 1;
                }
                results.Add((repeats, rows, bytes.Length / 1048576.0, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
                File.Delete(file);
            }
            Console.WriteLine("| BDF repeats | rows | file (MiB) | peak working set (MiB) | samples/s (incl. writing samples.csv) |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var r in results)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Repeats} | {r.Rows:N0} | {r.FileMiB:0.0} | {r.PeakMiB:0.0} | {r.Rate:N0} |"));
            double ratio = results[1].PeakMiB / results[0].PeakMiB;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak memory ratio for a 10× longer file: {ratio:0.00} (target < 1.5)"));
            return ratio < 1.5 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [GeneratedRegex(@"stats: (\d+) samples/s, peak working set ([\d.]+) MiB")]
    private static partial Regex StatsLine();
}
