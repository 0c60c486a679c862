using Twin.Nexus.Model;
using Twin.Nexus.Recording;
using Twin.Testing.Nexus;

namespace Twin.Nexus.Tests;

/// <summary>Flushing, reopening after a restart, and a damaged file.</summary>
public sealed class NexusExperimentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-nexus-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task A_reopened_file_goes_on_from_what_it_held_and_samples_replayed_after_a_restart_are_not_doubled()
    {
        string path = Path.Combine(_dir, "experiment.nxs");
        var before = NexusFileWriterTests.SampleLog();
        var x = NexusExperiment.Create(path, "twin test");
        var log = x.Cell(before.Info);
        foreach (var r in before.Snapshot().NewRows.Take(60)) log.Append(r);
        Assert.True(x.Flush());
        Assert.False(x.Flush()); // nothing changed
        Assert.Equal(0, log.PendingRows); // written states leave memory

        // "restart": the file is read back; the service replays samples 50..99 (50..59 it had already)
        var again = NexusExperiment.Open(path, "twin test", out string? aside);
        Assert.Null(aside);
        var restored = again.Cell(before.Info);
        Assert.Equal(60, restored.RowCount);
        int appended = before.Snapshot().NewRows.Skip(50).Count(r => restored.Append(r));
        Assert.Equal(40, appended);
        Assert.Equal(40, restored.PendingRows);
        Assert.True(again.Flush());
        // and once more, the 100 states now read back from the file and written again with 1 new one
        var late = before.Snapshot().NewRows[^1] with { TimeUnixNs = before.Snapshot().NewRows[^1].TimeUnixNs + 1, CLi = 0.1 };
        Assert.True(restored.Append(late));
        Assert.True(again.Flush());
        var dump = await H5Py.DumpAsync(path);
        var cLi = dump.GetProperty("datasets").GetProperty("/coin-1/twin/c_li").GetProperty("values");
        Assert.Equal(before.Snapshot().NewRows.Select(r => r.CLi).Append(0.1), cLi.EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Everything_kept_survives_the_round_trip_through_the_file()
    {
        string path = Path.Combine(_dir, "experiment.nxs");
        var log = NexusFileWriterTests.SampleLog();
        var x = NexusExperiment.Create(path, "twin test");
        var copy = x.Cell(log.Info);
        var s = log.Snapshot();
        foreach (var r in s.NewRows) copy.Append(r);
        foreach (var e in s.Events) copy.AddEvent(e);
        foreach (var a in s.Alarms) copy.AddAlarm(a);
        foreach (var p in s.Patterns) copy.SetPattern(p);
        foreach (var (id, d) in s.PatternData) copy.SetPatternData(id, d);
        copy.SetCycles(s.Cycles);
        x.Flush();

        var back = NexusExperiment.Open(path, "twin test", out _).Cells.Single().Snapshot();
        Assert.Equal(s.Info, back.Info);
        Assert.Equal(s.NewRows, Twin.Nexus.Files.NexusFileReader.ReadRows(path, "coin-1"));
        Assert.Equal((100L, "coin-1", s.FirstTimeUnixNs, s.LastTimeUnixNs), (back.WrittenRows, back.WrittenEntry, back.FirstTimeUnixNs, back.LastTimeUnixNs));
        Assert.Equal(s.Events, back.Events);
        Assert.Equal(s.Alarms, back.Alarms);
        Assert.Equal(s.Patterns, back.Patterns);
        Assert.Equal(s.Cycles, back.Cycles);
        Assert.Equal(s.PatternData["p-1"].Intensity, back.PatternData["p-1"].Intensity);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_moved_aside_and_never_overwritten()
    {
        string path = Path.Combine(_dir, "experiment.nxs");
        File.WriteAllText(path, "not HDF5");
        var x = NexusExperiment.Open(path, "twin test", out string? aside);
        Assert.NotNull(aside);
        Assert.Equal("not HDF5", File.ReadAllText(aside));
        Assert.Empty(x.Cells);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Long_series_are_written_in_chunks_from_the_previous_file_and_memory_holds_only_new_states()
    {
        string path = Path.Combine(_dir, "experiment.nxs");
        var x = NexusExperiment.Create(path, "twin test");
        var log = x.Cell(new NexusCellInfo("lab", "big", "NMC811", 1, 0.9, 0.45, 0.40, 0.40));
        long t0 = 1_780_000_000_000_000_000;
        int total = 0;
        for (int flush = 0; flush < 3; flush++)
        {
            for (int i = 0; i < 70_000; i++, total++)
                log.Append(new NexusRow(t0 + total * 1_000_000L, 3.7, 0.001, 0, double.NaN, 2, 1, 0.9 - total * 1e-7, 0.003, 0.9, 0.89, 2.86, 14.3, 0, Twin.Core.Safety.Zone.Safe));
            Assert.True(x.Flush());
            Assert.Equal(0, log.PendingRows);
        }
        var ds = (await H5Py.DumpAsync(path)).GetProperty("datasets");
        var cLi = ds.GetProperty("/big/twin/c_li").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(210_000, cLi.Length);
        for (int i = 0; i < cLi.Length; i += 997) Assert.Equal(0.9 - i * 1e-7, cLi[i]);
        Assert.Equal(0.9 - 209_999 * 1e-7, cLi[^1]);
        Assert.Equal(209_999 * 1e-3, ds.GetProperty("/big/twin/time").GetProperty("values")[209_999].GetDouble(), 9);
    }
}
