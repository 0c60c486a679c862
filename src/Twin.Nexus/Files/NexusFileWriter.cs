using System.Globalization;
using PureHDF;
using Twin.Core.Safety;
using Twin.Nexus.Model;
using Twin.Nexus.Recording;

namespace Twin.Nexus.Files;

/// <summary>
/// Writes the experiment file: HDF5 (through PureHDF) laid out to the NeXus base classes (NeXus International Advisory
/// Committee, NeXus Manual and NXDL base classes: NXroot, NXentry, NXsample, NXdata, NXcollection), one NXentry per cell
/// (see <see cref="NexusLayout"/> for the tree). Units are NeXus <c>units</c> attributes; dimensionless quantities
/// (c_Li, σ, strains) carry none.
/// </summary>
/// <remarks>
/// HDF5 files written by PureHDF cannot be appended to, and a file whose writer died is unreadable (its superblock is
/// written last). The file is therefore written whole, to <c>{path}.tmp</c>, flushed to disk and renamed over
/// the file: a crash at any moment leaves the previous complete file, readable up to its flush.
/// </remarks>
public static class NexusFileWriter
{
    /// <summary>Writes the cells to <paramref name="path"/>, replacing it atomically. States a snapshot names as written
    /// (<see cref="NexusCellSnapshot.WrittenRows"/>) are read back from the present file at <paramref name="path"/>, in
    /// chunks, followed by its new states.</summary>
    /// <param name="path">The <c>.nxs</c> file.</param>
    /// <param name="cells">The cells, one NXentry each; entry names are the cell ids (site_cell when two sites share an id).</param>
    /// <param name="creator">Program and version for the root's <c>creator</c> attribute.</param>
    /// <returns>The entry name of each cell, in order.</returns>
    /// <exception cref="IOException">The file cannot be written (the previous file is left as it was).</exception>
    /// <exception cref="InvalidDataException">A snapshot names written states the present file does not hold.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static IReadOnlyList<string> Write(string path, IReadOnlyList<NexusCellSnapshot> cells, string creator)
    {
        var names = EntryNames(cells);
        var columns = new NexusRowColumns[cells.Count];
        var file = Build(cells, names, columns, creator, Path.GetFileName(path));
        string tmp = path + ".tmp";
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        try
        {
            using (var previous = cells.Any(c => c.WrittenRows > 0) ? H5File.OpenRead(path) : null)
            using (var writer = file.BeginWrite(tmp))
            {
                for (int i = 0; i < cells.Count; i++)
                {
                    var c = cells[i];
                    long offset = 0;
                    if (c.WrittenRows > 0)
                    {
                        var entry = previous!.Group(c.WrittenEntry!);
                        for (; offset < c.WrittenRows; offset += NexusRowColumns.Chunk)
                            columns[i].Write(writer, offset, NexusFileReader.ReadRows(entry, offset, (int)Math.Min(NexusRowColumns.Chunk, c.WrittenRows - offset)));
                        offset = c.WrittenRows;
                    }
                    for (int k = 0; k < c.NewRows.Length; k += NexusRowColumns.Chunk)
                        columns[i].Write(writer, offset + k, c.NewRows[k..Math.Min(c.NewRows.Length, k + NexusRowColumns.Chunk)]);
                }
            }
            using (var written = new FileStream(tmp, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
            File.Move(tmp, path, overwrite: true);
            return names;
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The HDF5 tree of the cells, its twin-state datasets created at full length and left to be filled.</summary>
    private static H5File Build(IReadOnlyList<NexusCellSnapshot> cells, IReadOnlyList<string> names, NexusRowColumns[] columns, string creator, string fileName)
    {
        var root = new H5File
        {
            Attributes = new()
            {
                ["NX_class"] = "NXroot",
                ["file_name"] = fileName,
                ["file_time"] = Iso(DateTime.UtcNow),
                ["creator"] = creator,
            },
        };
        if (names.Count > 0) root.Attributes["default"] = names[0];
        for (int i = 0; i < cells.Count; i++)
        {
            var c = cells[i];
            long t0 = c.FirstTimeUnixNs ?? c.Events.Concat(c.Alarms).Select(n => n.TimeUnixNs).DefaultIfEmpty(0).Min();
            columns[i] = new NexusRowColumns(c.RowCount, t0, IsoNs(t0));
            root[names[i]] = Entry(c, t0, columns[i]);
        }
        return root;
    }

    private static List<string> EntryNames(IReadOnlyList<NexusCellSnapshot> cells)
    {
        var ids = cells.GroupBy(c => c.Info.CellId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return [.. cells.Select(c => NexusLayout.SafeName(ids.Contains(c.Info.CellId) ? c.Info.Site + "_" + c.Info.CellId : c.Info.CellId))];
    }

    private static H5Group Entry(NexusCellSnapshot c, long t0, NexusRowColumns r)
    {
        long tEnd = c.LastTimeUnixNs ?? t0;
        string start = IsoNs(t0);
        var entry = new H5Group
        {
            Attributes = new() { ["NX_class"] = "NXentry", ["default"] = NexusLayout.Twin },
            ["title"] = $"{c.Info.CellId}: operando twin of a {c.Info.Material} cathode",
            ["start_time"] = start,
            ["end_time"] = IsoNs(tEnd),
            ["program_name"] = "twin",
            ["sample"] = new H5Group
            {
                Attributes = new() { ["NX_class"] = "NXsample" },
                ["name"] = c.Info.CellId,
                ["site"] = c.Info.Site,
                ["description"] = $"{c.Info.Material} cathode",
                ["cathode_material"] = c.Info.Material,
                ["q_li"] = Scalar(c.Info.QLiAh, "A.h"),
                ["c_li0"] = c.Info.CLi0,
                ["caution_c_li"] = c.Info.CautionCLi,
                ["critical_c_li"] = c.Info.CriticalCLi,
                ["c_li_min"] = c.Info.CLiMin,
            },
            [NexusLayout.Electrochemistry] = new H5Group
            {
                Attributes = new() { ["NX_class"] = "NXdata", ["signal"] = "voltage", ["axes"] = "time" },
                ["time"] = r.TimeE,
                ["time_unix_ns"] = r.TimeNs,
                ["voltage"] = r.Voltage,
                ["current"] = r.Current,
                ["charge"] = r.Charge,
                ["temperature"] = r.Temperature,
                ["step"] = r.Step,
                ["cycle"] = r.Cycle,
            },
            [NexusLayout.Twin] = new H5Group
            {
                Attributes = new() { ["NX_class"] = "NXdata", ["signal"] = "c_li", ["axes"] = "time" },
                ["time"] = r.TimeT,
                ["c_li"] = r.CLi,
                ["c_li_errors"] = r.Sigma,
                ["c_li_counted"] = r.Counted,
                ["c_li_lower_bound"] = r.Bound,
                ["a"] = r.A,
                ["c"] = r.C,
                ["d_il"] = r.DIl,
                ["eps_aniso"] = r.EpsAniso,
                ["zone"] = r.Zone,
            },
            ["cycles"] = Cycles(c.Cycles),
            ["events"] = Notes(c.Events, t0, start, "driver and twin events"),
            ["alarms"] = Notes(c.Alarms, t0, start, "zone transitions of c_li"),
            ["patterns"] = Patterns(c, t0, start),
        };
        return entry;
    }

    private static H5Group Cycles(IReadOnlyList<NexusCycle> cycles) => new()
    {
        Attributes = new() { ["NX_class"] = "NXcollection" },
        ["cycle"] = Column(cycles.Select(x => x.Cycle), null),
        ["start_time"] = Column(cycles.Select(x => x.StartTimeS), "s"),
        ["end_time"] = Column(cycles.Select(x => x.EndTimeS), "s"),
        ["min_c_li"] = Column(cycles.Select(x => x.MinCLi), null),
        ["charged"] = Column(cycles.Select(x => x.ChargedAh), "A.h"),
        ["discharged"] = Column(cycles.Select(x => x.DischargedAh), "A.h"),
        ["time_below_critical"] = Column(cycles.Select(x => x.TimeBelowCriticalS), "s"),
        ["worst_zone"] = ZoneColumn(cycles.Select(x => x.WorstZone)),
    };

    private static H5Group Notes(IReadOnlyList<NexusNote> notes, long t0, string start, string description) => new()
    {
        Attributes = new() { ["NX_class"] = "NXcollection", ["description"] = description },
        ["time"] = TimeAxis([.. notes.Select(n => (n.TimeUnixNs - t0) / 1e9)], start),
        ["time_unix_ns"] = Column(notes.Select(n => n.TimeUnixNs), "ns"),
        ["kind"] = Strings(notes.Select(n => n.Kind)),
        ["message"] = Strings(notes.Select(n => n.Text)),
    };

    private static H5Group Patterns(NexusCellSnapshot c, long t0, string start)
    {
        var p = c.Patterns;
        var group = new H5Group
        {
            Attributes = new() { ["NX_class"] = "NXcollection", ["description"] = "diffraction patterns; one NXdata per pattern whose file could be read" },
            ["id"] = Strings(p.Select(x => x.Id)),
            ["start_time"] = TimeAxis([.. p.Select(x => (x.StartUnixNs - t0) / 1e9)], start),
            ["end_time"] = Column(p.Select(x => (x.EndUnixNs - t0) / 1e9), "s"),
            ["mid_time"] = Column(p.Select(x => (x.MidUnixNs - t0) / 1e9), "s"),
            ["mid_time_unix_ns"] = Column(p.Select(x => x.MidUnixNs), "ns"),
            ["start_time_unix_ns"] = Column(p.Select(x => x.StartUnixNs), "ns"),
            ["end_time_unix_ns"] = Column(p.Select(x => x.EndUnixNs), "ns"),
            ["exposure"] = Column(p.Select(x => x.ExposureS), "s"),
            ["wavelength"] = Column(p.Select(x => x.WavelengthA), "angstrom"),
            ["c_li_mid"] = Column(p.Select(x => x.CLiMid), null, "the twin's c_li at mid-exposure"),
            ["c_li_lattice"] = Column(p.Select(x => x.CLiLattice), null, "c_li from the measured lattice"),
            ["a"] = Column(p.Select(x => x.AA), "angstrom", "measured lattice parameter a"),
            ["c"] = Column(p.Select(x => x.CA), "angstrom", "measured lattice parameter c"),
            ["status"] = Strings(p.Select(x => x.Status)),
            ["file"] = Strings(p.Select(x => x.File)),
        };
        var used = new HashSet<string>(group.Keys, StringComparer.Ordinal);
        foreach (var x in p)
        {
            if (!c.PatternData.TryGetValue(x.Id, out var data)) continue;
            string name = NexusLayout.SafeName(x.Id);
            if (!used.Add(name)) continue;
            group[name] = new H5Group
            {
                Attributes = new()
                {
                    ["NX_class"] = "NXdata", ["signal"] = "intensity", ["axes"] = data.AxisName,
                    ["start_time"] = IsoNs(x.StartUnixNs), ["c_li_mid"] = x.CLiMid, ["file"] = x.File,
                },
                [data.AxisName] = Column(data.X, data.AxisUnits),
                ["intensity"] = Column(data.Intensity, "counts"),
            };
        }
        return group;
    }

    private static H5Dataset Scalar(double value, string units) => new(value) { Attributes = new() { ["units"] = units } };

    private static H5Dataset Column<T>(IEnumerable<T> values, string? units, string? description = null) where T : unmanaged
    {
        var ds = Dataset(values.ToArray());
        if (units is not null) ds.Attributes["units"] = units;
        if (description is not null) ds.Attributes["long_name"] = description;
        return ds;
    }

    private static H5Dataset ZoneColumn(IEnumerable<Zone> zones)
    {
        var ds = Dataset(zones.Select(z => (byte)z).ToArray());
        ds.Attributes["long_name"] = "zone of c_li: 0 safe, 1 caution, 2 critical, 3 deep";
        return ds;
    }

    private static H5Dataset Strings(IEnumerable<string> values) => Dataset(values.ToArray());

    private static H5Dataset TimeAxis(double[] seconds, string start)
    {
        var ds = Dataset(seconds);
        ds.Attributes["units"] = "s";
        ds.Attributes["start"] = start;
        return ds;
    }

    private static H5Dataset Dataset<T>(T[] values) => new(values);

    private static string IsoNs(long unixNs) => Iso(DateTime.UnixEpoch.AddTicks(unixNs / 100));

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
