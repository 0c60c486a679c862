using System.Globalization;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Testing.Cyclers;

namespace Twin.Cli.Tests;

/// <summary>
/// <c>twin replay</c> of the cyclers' binary files against the text of the same records: an EC-Lab raw file
/// (<c>.mpr</c>) against its text export (<c>.mpt</c>), and a Neware archive (<c>.ndax</c>) against the LG M50 Maccor
/// export it was written from. c_Li agrees row by row to 1e-6.
/// </summary>
public sealed class BinaryFileReplayTests
{
    [Fact]
    public void Replaying_the_raw_file_gives_the_c_li_of_its_text_export()
    {
        string dir = Repo.TempDir("mpr-replay");
        try
        {
            List<EcLabRow> rows;
            using (var reader = CyclerFileReader.Open(Repo.LgM50))
                rows = EcLabFiles.FromSamples(reader);
            var start = new DateTime(2020, 12, 11, 9, 30, 0);
            string mpr = Path.Combine(dir, "lg-m50_C01.mpr"), mpt = Path.Combine(dir, "lg-m50_C01.mpt");
            File.WriteAllBytes(mpr, EcLabFiles.Mpr(rows, MprLayout.Version0Ec1150, start));
            File.WriteAllText(mpt, EcLabFiles.Mpt(rows, start));

            var raw = TwinProcess.Run("replay", mpr, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.80", "--out", Path.Combine(dir, "raw"));
            var text = TwinProcess.Run("replay", mpt, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.80", "--out", Path.Combine(dir, "text"));
            Assert.True(raw.ExitCode == 0, raw.Err + raw.Out);
            Assert.True(text.ExitCode == 0, text.Err + text.Out);
            Assert.Contains("mpr", raw.Out + raw.Err, StringComparison.OrdinalIgnoreCase);

            var a = CLi(Path.Combine(dir, "raw", "samples.csv"));
            var b = CLi(Path.Combine(dir, "text", "samples.csv"));
            Assert.Equal(b.Count, a.Count);
            Assert.True(a.Count > 1000, $"{a.Count} rows");
            double worst = 0;
            for (int i = 0; i < a.Count; i++)
            {
                Assert.Equal(b[i].TimeS, a[i].TimeS, 6);
                worst = Math.Max(worst, Math.Abs(a[i].CLi - b[i].CLi));
            }
            Assert.True(worst <= 1e-6, $"largest c_Li difference {worst:G3}");
            Assert.InRange(a.Min(r => r.CLi), 0.345, 0.365); // the LG M50 first charge's minimum, as from the Maccor file
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Replaying_a_neware_archive_gives_the_c_li_of_the_test_it_recorded()
    {
        string dir = Repo.TempDir("ndax-replay");
        try
        {
            List<NdcRow> rows;
            using (var reader = CyclerFileReader.Open(Repo.LgM50))
                rows = NewareFiles.FromSamples(reader, new DateTime(2020, 12, 11, 9, 30, 0));
            var text = TwinProcess.Run("replay", Repo.LgM50, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.80", "--out", Path.Combine(dir, "maccor"));
            Assert.True(text.ExitCode == 0, text.Err + text.Out);
            var b = CLi(Path.Combine(dir, "maccor", "samples.csv"));
            // Whole records (layout 5, BTS 7) and BTS 8's split tables (layout 17).
            foreach (var (name, bytes) in new[] { ("bts7.ndax", NewareFiles.Ndax(rows, 5)), ("bts8.ndax", NewareFiles.NdaxSplit(rows, 17)) })
            {
                string ndax = Path.Combine(dir, name);
                File.WriteAllBytes(ndax, bytes);
                var archive = TwinProcess.Run("replay", ndax, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.80", "--out", Path.Combine(dir, name + "-out"));
                Assert.True(archive.ExitCode == 0, archive.Err + archive.Out);
                var a = CLi(Path.Combine(dir, name + "-out", "samples.csv"));
                Assert.Equal(b.Count, a.Count);
                double worst = 0;
                for (int i = 0; i < a.Count; i++)
                {
                    Assert.Equal(b[i].TimeS, a[i].TimeS, 0.0011);
                    worst = Math.Max(worst, Math.Abs(a[i].CLi - b[i].CLi));
                }
                Assert.True(worst <= 1e-6, $"{name}: largest c_Li difference {worst:G3}");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static List<(double TimeS, double CLi)> CLi(string samplesCsv)
    {
        var lines = File.ReadAllLines(samplesCsv);
        var header = lines[0].Split(',');
        int t = Array.IndexOf(header, "time_s"), c = Array.IndexOf(header, "c_li");
        return [.. lines.Skip(1).Select(l => l.Split(',')).Select(f => (double.Parse(f[t], CultureInfo.InvariantCulture), double.Parse(f[c], CultureInfo.InvariantCulture)))];
    }
}
