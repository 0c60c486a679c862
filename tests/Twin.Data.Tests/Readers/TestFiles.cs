using System.Text;
using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>Paths of the shipped samples and fixtures, and small helpers shared by the reader tests.</summary>
internal static class TestFiles
{
    public static string Maccor => Sample("lg-m50-nmc811-maccor.txt");

    public static string Bdf => Sample("bdf-sample.csv");

    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Reads every sample of a file (fixtures are small).</summary>
    public static (List<CyclerSample> Samples, ReadDiagnostics Diagnostics) ReadAll(string path, ReaderOptions? options = null)
    {
        using CyclerFileReader reader = CyclerFileReader.Open(path, options);
        return ([.. reader], reader.Diagnostics);
    }

    /// <summary>Reads every sample of an in-memory text.</summary>
    public static (List<CyclerSample> Samples, ReadDiagnostics Diagnostics) ReadText(string text, string sourceName, ReaderOptions? options = null)
    {
        using CyclerFileReader reader = CyclerFileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), sourceName, options);
        return ([.. reader], reader.Diagnostics);
    }

    /// <summary>
    /// Charge passed between consecutive samples as the twin derives it from the source counter: the very
    /// first sample is the reference (0); on a new counter segment the counter counts from 0.
    /// </summary>
    public static double[] CounterDeltas(IReadOnlyList<CyclerSample> samples)
    {
        var deltas = new double[samples.Count];
        for (int i = 1; i < samples.Count; i++)
        {
            deltas[i] = samples[i].CounterSegment != samples[i - 1].CounterSegment
                ? samples[i].ChargeCounterAh
                : samples[i].ChargeCounterAh - samples[i - 1].ChargeCounterAh;
        }

        return deltas;
    }

    /// <summary>Sum of the counter deltas over the samples matching <paramref name="select"/>.</summary>
    public static double ChargeOver(IReadOnlyList<CyclerSample> samples, Func<CyclerSample, bool> select)
    {
        double[] deltas = CounterDeltas(samples);
        double sum = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            if (select(samples[i]))
            {
                sum += deltas[i];
            }
        }

        return sum;
    }
}
