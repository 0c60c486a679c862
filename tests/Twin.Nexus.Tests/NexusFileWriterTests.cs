using System.Text.Json;
using Twin.Core.Safety;
using Twin.Nexus.Files;
using Twin.Nexus.Model;
using Twin.Nexus.Recording;
using Twin.Testing.Nexus;

namespace Twin.Nexus.Tests;

/// <summary>The experiment file as h5py (the HDF5 C library) reads it: NeXus classes, units, one value per twin state.</summary>
public sealed class NexusFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-nexus-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    internal static NexusCellLog SampleLog(string cell = "coin-1", int rows = 100)
    {
        var log = new NexusCellLog(new NexusCellInfo("lab", cell, "NMC811", 0.00524, 0.9, 0.45, 0.40, 0.40));
        long t0 = 1_780_000_000_000_000_000;
        for (int i = 0; i < rows; i++)
        {
            double cLi = 0.9 - 0.005 * i;
            log.Append(new NexusRow(t0 + i * 30_000_000_000L, 3.6 + 0.005 * i, 0.001, 0.00002 * i, i % 2 == 0 ? 25.0 : double.NaN, 2, 1,
                cLi, 0.004, cLi + 0.001, cLi - 0.008, 2.87 - 0.0001 * i, 14.2 + 0.002 * i, 1e-4 * i, cLi < 0.45 ? Zone.Caution : Zone.Safe));
        }
        log.AddEvent(new NexusNote(t0, "step_start", "cycle 1: Charge at C/5 until 4.2 V"));
        log.AddAlarm(new NexusNote(t0 + 95 * 30_000_000_000L, "zone", "safe → caution at c_Li = 0.4450"));
        log.SetPattern(new NexusPattern("p-1", t0 + 10_000_000_000, t0 + 40_000_000_000, 30, 0.2073, 0.85, 0.851, 2.8633, 14.3, "applied", "/data/p-1.xy"));
        log.SetPattern(new NexusPattern("p-2", t0 + 70_000_000_000, t0 + 100_000_000_000, 30, 0.2073, double.NaN, double.NaN, double.NaN, double.NaN, "no_lattice", ""));
        log.SetPatternData("p-1", new NexusPatternData(Twin.Core.Diffraction.RadialAxis.TwoThetaDeg, [1.0, 1.5, 2.0], [10, 200, 12]));
        log.SetCycles([new NexusCycle(1, 0, double.NaN, 0.405, 0.002, 0, 0, Zone.Caution)]);
        return log;
    }

    [Fact]
    public async Task H5py_reads_entries_classes_units_and_one_c_li_per_twin_state()
    {
        string path = Path.Combine(_dir, "experiment.nxs");
        var empty = new NexusCellLog(new NexusCellInfo("lab", "coin-3", "LiNiO2", 0.005, 0.95, 0.45, 0.40, 0.40));
        NexusFileWriter.Write(path, [SampleLog().Snapshot(), SampleLog("coin-2", 3).Snapshot(), empty.Snapshot()], "twin test");
        var dump = await H5Py.DumpAsync(path);
        var groups = dump.GetProperty("groups");
        var ds = dump.GetProperty("datasets");
        Assert.Equal("NXroot", groups.GetProperty("/").GetProperty("NX_class").GetString());
        Assert.Equal("coin-1", groups.GetProperty("/").GetProperty("default").GetString());
        Assert.Equal("NXentry", groups.GetProperty("/coin-1").GetProperty("NX_class").GetString());
        Assert.Equal("NXentry", groups.GetProperty("/coin-2").GetProperty("NX_class").GetString());
        Assert.Equal("NXdata", groups.GetProperty("/coin-1/twin").GetProperty("NX_class").GetString());
        Assert.Equal("c_li", groups.GetProperty("/coin-1/twin").GetProperty("signal").GetString());
        Assert.Equal("NXsample", groups.GetProperty("/coin-1/sample").GetProperty("NX_class").GetString());

        var cLi = ds.GetProperty("/coin-1/twin/c_li");
        Assert.Equal([100], cLi.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(0.9, cLi.GetProperty("values")[0].GetDouble());
        Assert.Equal(3, ds.GetProperty("/coin-2/twin/c_li").GetProperty("shape")[0].GetInt32());
        Assert.Equal("V", ds.GetProperty("/coin-1/electrochemistry/voltage").GetProperty("attrs").GetProperty("units").GetString());
        Assert.Equal("angstrom", ds.GetProperty("/coin-1/twin/d_il").GetProperty("attrs").GetProperty("units").GetString());
        Assert.Equal("s", ds.GetProperty("/coin-1/twin/time").GetProperty("attrs").GetProperty("units").GetString());
        Assert.Equal(2970.0, ds.GetProperty("/coin-1/twin/time").GetProperty("values")[99].GetDouble());
        Assert.Equal(JsonValueKind.Null, ds.GetProperty("/coin-1/electrochemistry/temperature").GetProperty("values")[1].ValueKind); // NaN: no temperature
        Assert.Equal("A.h", ds.GetProperty("/coin-1/sample/q_li").GetProperty("attrs").GetProperty("units").GetString());

        Assert.Equal(["p-1", "p-2"], ds.GetProperty("/coin-1/patterns/id").GetProperty("values").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(0.85, ds.GetProperty("/coin-1/patterns/c_li_mid").GetProperty("values")[0].GetDouble());
        Assert.Equal(25.0, ds.GetProperty("/coin-1/patterns/mid_time").GetProperty("values")[0].GetDouble());
        Assert.Equal("NXdata", groups.GetProperty("/coin-1/patterns/p-1").GetProperty("NX_class").GetString());
        Assert.Equal([10.0, 200, 12], ds.GetProperty("/coin-1/patterns/p-1/intensity").GetProperty("values").EnumerateArray().Select(x => x.GetDouble()));
        Assert.False(groups.TryGetProperty("/coin-1/patterns/p-2", out _)); // no file was read for it
        Assert.Equal("safe → caution at c_Li = 0.4450", ds.GetProperty("/coin-1/alarms/message").GetProperty("values")[0].GetString());
        Assert.Equal(0.405, ds.GetProperty("/coin-1/cycles/min_c_li").GetProperty("values")[0].GetDouble());
        // an entry with nothing yet still has every (empty) dataset
        Assert.Equal(0, ds.GetProperty("/coin-3/cycles/cycle").GetProperty("shape")[0].GetInt32());
        Assert.Equal(0, ds.GetProperty("/coin-3/twin/c_li").GetProperty("shape")[0].GetInt32());
        Assert.Equal(0, ds.GetProperty("/coin-3/patterns/id").GetProperty("shape")[0].GetInt32());
    }
}
