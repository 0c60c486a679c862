using System.Globalization;
using System.Text;

namespace Twin.Benchmarks;

/// <summary>The shipped Battery Data Format sample repeated end to end, with time continuing across repeats.</summary>
internal static class BdfInMemory
{
    public static string SamplePath => Path.Combine(FindRoot(), "samples", "bdf-sample.csv");

    /// <summary>Header once, then the data rows <paramref name="repeats"/> times; returns the bytes and the row count.</summary>
    public static (byte[] Bytes, long Rows) Build(int repeats)
    {
        var lines = File.ReadAllLines(SamplePath);
        var sb = new StringBuilder(lines.Length * repeats * 110);
        sb.Append(lines[0]).Append('\n');
        double span = double.Parse(lines[^1].Split(',')[0], CultureInfo.InvariantCulture) + 1.0 / 60;
        long rows = 0;
        for (int r = 0; r < repeats; r++)
        {
            for (int i = 1; i < lines.Length; i++)
            {
                string line = lines[i];
                int comma = line.IndexOf(',');
                double t = double.Parse(line.AsSpan(0, comma), CultureInfo.InvariantCulture) + r * span;
                sb.Append(t.ToString("R", CultureInfo.InvariantCulture)).Append(line, comma, line.Length - comma).Append('\n');
                rows++;
            }
        }
        return (Encoding.UTF8.GetBytes(sb.ToString()), rows);
    }

    public static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Twin.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
