using PureHDF;
using PureHDF.Selections;
using Twin.Nexus.Model;

namespace Twin.Nexus.Files;

/// <summary>
/// The datasets of a cell's twin states (electrochemistry and twin NXdata), created at their full length and filled
/// chunk by chunk while the file is written, so a long series never has to be in memory at once.
/// </summary>
internal sealed class NexusRowColumns
{
    /// <summary>States written per chunk.</summary>
    public const int Chunk = 65_536;

    private readonly long _t0;

    public NexusRowColumns(long rows, long t0UnixNs, string start)
    {
        _t0 = t0UnixNs;
        ulong[] dims = [(ulong)rows];
        TimeE = Axis(dims, start);
        TimeT = Axis(dims, start);
        TimeNs = new H5Dataset<long[]>(fileDims: dims);
        TimeNs.Attributes["units"] = "ns";
        Voltage = Doubles(dims, "V");
        Current = Doubles(dims, "A");
        Charge = Doubles(dims, "A.h");
        Temperature = Doubles(dims, "degC");
        Step = new H5Dataset<int[]>(fileDims: dims);
        Cycle = new H5Dataset<int[]>(fileDims: dims);
        CLi = Doubles(dims, null, "cathode lithium content, the estimator's value");
        Sigma = Doubles(dims, null, "standard deviation of c_li");
        Counted = Doubles(dims, null, "c_li from charge counting alone");
        Bound = Doubles(dims, null, "lower bound c_li - k sigma the cut-off acts on");
        A = Doubles(dims, "angstrom", "lattice parameter a = d_TM");
        C = Doubles(dims, "angstrom", "lattice parameter c");
        DIl = Doubles(dims, "angstrom", "interlayer distance c/3");
        EpsAniso = Doubles(dims, null, "anisotropic strain");
        Zone = new H5Dataset<byte[]>(fileDims: dims);
        Zone.Attributes["long_name"] = "zone of c_li: 0 safe, 1 caution, 2 critical, 3 deep";
    }

    public H5Dataset<double[]> TimeE { get; }
    public H5Dataset<double[]> TimeT { get; }
    public H5Dataset<long[]> TimeNs { get; }
    public H5Dataset<double[]> Voltage { get; }
    public H5Dataset<double[]> Current { get; }
    public H5Dataset<double[]> Charge { get; }
    public H5Dataset<double[]> Temperature { get; }
    public H5Dataset<int[]> Step { get; }
    public H5Dataset<int[]> Cycle { get; }
    public H5Dataset<double[]> CLi { get; }
    public H5Dataset<double[]> Sigma { get; }
    public H5Dataset<double[]> Counted { get; }
    public H5Dataset<double[]> Bound { get; }
    public H5Dataset<double[]> A { get; }
    public H5Dataset<double[]> C { get; }
    public H5Dataset<double[]> DIl { get; }
    public H5Dataset<double[]> EpsAniso { get; }
    public H5Dataset<byte[]> Zone { get; }

    private static H5Dataset<double[]> Axis(ulong[] dims, string start)
    {
        var ds = Doubles(dims, "s");
        ds.Attributes["start"] = start;
        return ds;
    }

    private static H5Dataset<double[]> Doubles(ulong[] dims, string? units, string? description = null)
    {
        var ds = new H5Dataset<double[]>(fileDims: dims);
        if (units is not null) ds.Attributes["units"] = units;
        if (description is not null) ds.Attributes["long_name"] = description;
        return ds;
    }

    /// <summary>Writes the states at <paramref name="offset"/>.</summary>
    public void Write(H5NativeWriter w, long offset, NexusRow[] rows)
    {
        if (rows.Length == 0) return;
        var at = new HyperslabSelection((ulong)offset, (ulong)rows.Length);
        double[] time = [.. rows.Select(r => (r.TimeUnixNs - _t0) / 1e9)];
        w.Write(TimeE, time, fileSelection: at);
        w.Write(TimeT, time, fileSelection: at);
        w.Write(TimeNs, rows.Select(r => r.TimeUnixNs).ToArray(), fileSelection: at);
        w.Write(Voltage, rows.Select(r => r.VoltageV).ToArray(), fileSelection: at);
        w.Write(Current, rows.Select(r => r.CurrentA).ToArray(), fileSelection: at);
        w.Write(Charge, rows.Select(r => r.ChargeAh).ToArray(), fileSelection: at);
        w.Write(Temperature, rows.Select(r => r.TemperatureC).ToArray(), fileSelection: at);
        w.Write(Step, rows.Select(r => r.Step).ToArray(), fileSelection: at);
        w.Write(Cycle, rows.Select(r => r.Cycle).ToArray(), fileSelection: at);
        w.Write(CLi, rows.Select(r => r.CLi).ToArray(), fileSelection: at);
        w.Write(Sigma, rows.Select(r => r.CLiSigma).ToArray(), fileSelection: at);
        w.Write(Counted, rows.Select(r => r.CLiCounted).ToArray(), fileSelection: at);
        w.Write(Bound, rows.Select(r => r.CLiLowerBound).ToArray(), fileSelection: at);
        w.Write(A, rows.Select(r => r.AA).ToArray(), fileSelection: at);
        w.Write(C, rows.Select(r => r.CA).ToArray(), fileSelection: at);
        w.Write(DIl, rows.Select(r => r.CA / 3).ToArray(), fileSelection: at);
        w.Write(EpsAniso, rows.Select(r => r.EpsAniso).ToArray(), fileSelection: at);
        w.Write(Zone, rows.Select(r => (byte)r.Zone).ToArray(), fileSelection: at);
    }
}
