using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;
using Twin.Core.Safety;
using Twin.Nexus.Model;
using Twin.Nexus.Recording;

namespace Twin.Nexus.Files;

/// <summary>
/// Reads back an experiment file written by <see cref="NexusFileWriter"/>, so a restarted service goes on from what
/// the file holds instead of replacing it with what it saw since the restart.
/// </summary>
public static class NexusFileReader
{
    /// <summary>Reads every NXentry of the file.</summary>
    /// <param name="path">The <c>.nxs</c> file.</param>
    /// <returns>One snapshot per entry.</returns>
    /// <exception cref="InvalidDataException">The file is not an HDF5 file of this layout (the message names the file and what is missing).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<NexusCellSnapshot> Load(string path)
    {
        try
        {
            using var file = H5File.OpenRead(path);
            var cells = new List<NexusCellSnapshot>();
            foreach (var child in file.Children())
            {
                if (child is not IH5Group g || Text(g, "NX_class") != "NXentry") continue;
                cells.Add(Entry(g, g.Name));
            }
            return cells;
        }
        catch (Exception e) when (e is not (IOException or InvalidDataException))
        {
            throw new InvalidDataException($"{path}: not an experiment file this version can read ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static NexusCellSnapshot Entry(IH5Group entry, string name)
    {
        var s = entry.Group("sample");
        var info = new NexusCellInfo(Str(s, "site"), Str(s, "name"), Str(s, "cathode_material"), Num(s, "q_li"), Num(s, "c_li0"),
            Num(s, "caution_c_li"), Num(s, "critical_c_li"), Num(s, "c_li_min"));
        long count = (long)entry.Group(NexusLayout.Electrochemistry).Dataset("time_unix_ns").Space.Dimensions[0];
        long? first = null, last = null;
        if (count > 0)
        {
            var times = entry.Group(NexusLayout.Electrochemistry).Dataset("time_unix_ns");
            first = times.Read<long[]>(fileSelection: new HyperslabSelection(0, 1))[0];
            last = times.Read<long[]>(fileSelection: new HyperslabSelection((ulong)count - 1, 1))[0];
        }

        var p = entry.Group("patterns");
        string[] ids = Strs(p, "id"), status = Strs(p, "status"), files = Strs(p, "file");
        long[] pStart = Longs(p, "start_time_unix_ns"), pEnd = Longs(p, "end_time_unix_ns");
        double[] exposure = Doubles(p, "exposure"), wavelength = Doubles(p, "wavelength"), cLiMid = Doubles(p, "c_li_mid"), cLiLattice = Doubles(p, "c_li_lattice"),
            pa = Doubles(p, "a"), pc = Doubles(p, "c");
        var patterns = new NexusPattern[ids.Length];
        var data = new Dictionary<string, NexusPatternData>(StringComparer.Ordinal);
        for (int k = 0; k < ids.Length; k++)
        {
            patterns[k] = new NexusPattern(ids[k], pStart[k], pEnd[k], exposure[k], wavelength[k], cLiMid[k], cLiLattice[k], pa[k], pc[k], status[k], files[k]);
            string link = NexusLayout.SafeName(ids[k]);
            if (p.LinkExists(link) && p.Get(link) is IH5Group pg)
            {
                bool isQ = pg.LinkExists("q");
                data[ids[k]] = new NexusPatternData(isQ ? Twin.Core.Diffraction.RadialAxis.QPerAngstrom : Twin.Core.Diffraction.RadialAxis.TwoThetaDeg,
                    Doubles(pg, isQ ? "q" : "two_theta"), Doubles(pg, "intensity"));
            }
        }

        var cy = entry.Group("cycles");
        int[] n = Ints(cy, "cycle");
        double[] start = Doubles(cy, "start_time"), end = Doubles(cy, "end_time"), min = Doubles(cy, "min_c_li"), chg = Doubles(cy, "charged"),
            dis = Doubles(cy, "discharged"), below = Doubles(cy, "time_below_critical");
        byte[] worst = cy.Dataset("worst_zone").Read<byte[]>();
        var cycles = n.Select((x, k) => new NexusCycle(x, start[k], end[k], min[k], chg[k], dis[k], below[k], (Zone)worst[k])).ToArray();
        return new NexusCellSnapshot(info, count, count > 0 ? name : null, [], first, last, Notes(entry.Group("events")), Notes(entry.Group("alarms")),
            patterns, data, cycles);
    }

    /// <summary>Twin states of an entry, from <paramref name="start"/> on.</summary>
    /// <param name="entry">The NXentry.</param>
    /// <param name="start">Index of the first.</param>
    /// <param name="count">How many.</param>
    /// <returns>The states.</returns>
    public static NexusRow[] ReadRows(IH5Group entry, long start, int count)
    {
        if (count == 0) return [];
        var at = new HyperslabSelection((ulong)start, (ulong)count);
        var e = entry.Group(NexusLayout.Electrochemistry);
        var t = entry.Group(NexusLayout.Twin);
        double[] D(IH5Group g, string n) => g.Dataset(n).Read<double[]>(fileSelection: at);
        long[] time = e.Dataset("time_unix_ns").Read<long[]>(fileSelection: at);
        double[] v = D(e, "voltage"), i = D(e, "current"), q = D(e, "charge"), temp = D(e, "temperature");
        int[] step = e.Dataset("step").Read<int[]>(fileSelection: at), cycle = e.Dataset("cycle").Read<int[]>(fileSelection: at);
        double[] cLi = D(t, "c_li"), sigma = D(t, "c_li_errors"), counted = D(t, "c_li_counted"), bound = D(t, "c_li_lower_bound"),
            a = D(t, "a"), c = D(t, "c"), eps = D(t, "eps_aniso");
        byte[] zone = t.Dataset("zone").Read<byte[]>(fileSelection: at);
        var rows = new NexusRow[count];
        for (int k = 0; k < count; k++)
            rows[k] = new NexusRow(time[k], v[k], i[k], q[k], temp[k], step[k], cycle[k], cLi[k], sigma[k], counted[k], bound[k], a[k], c[k], eps[k], (Zone)zone[k]);
        return rows;
    }

    /// <summary>Every twin state of a cell's entry in a file.</summary>
    /// <param name="path">The <c>.nxs</c> file.</param>
    /// <param name="entry">The NXentry's name.</param>
    /// <returns>The states, in time order.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NexusRow[] ReadRows(string path, string entry)
    {
        using var file = H5File.OpenRead(path);
        var g = file.Group(entry);
        long count = (long)g.Group(NexusLayout.Electrochemistry).Dataset("time_unix_ns").Space.Dimensions[0];
        return ReadRows(g, 0, checked((int)count));
    }

    private static NexusNote[] Notes(IH5Group g)
    {
        long[] t = Longs(g, "time_unix_ns");
        string[] kind = Strs(g, "kind"), msg = Strs(g, "message");
        return [.. t.Select((x, k) => new NexusNote(x, kind[k], msg[k]))];
    }

    private static string? Text(IH5Group g, string attribute) => g.AttributeExists(attribute) ? g.Attribute(attribute).Read<string>() : null;

    private static double[] Doubles(IH5Group g, string name) => g.Dataset(name).Read<double[]>();

    private static long[] Longs(IH5Group g, string name) => g.Dataset(name).Read<long[]>();

    private static int[] Ints(IH5Group g, string name) => g.Dataset(name).Read<int[]>();

    private static string[] Strs(IH5Group g, string name) => g.Dataset(name).Read<string[]>();

    private static string Str(IH5Group g, string name) => g.Dataset(name).Read<string>();

    private static double Num(IH5Group g, string name) => g.Dataset(name).Read<double>();
}
