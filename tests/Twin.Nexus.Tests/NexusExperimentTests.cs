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
        foreach (var r in before.Snapshot().Rows.Take(60)) log.Append(r);
        Assert.True(x.Flush());
        Assert.False(x.Flush()); // nothing changed

        // "restart": the file is read back; the service replays samples 50..99 (50..59 it had already)
        var again = NexusExperiment.Open(path, "twin test", out string? aside);
        Assert.Null(aside);
        var restored = again.Cell(before.Info);
        Assert.Equal(60, restored.RowCount);
        int appended = before.Snapshot().Rows.Skip(50).Count(r => restored.Append(r));
        Assert.Equal(40, appended);
        Assert.True(again.Flush());
        var dump = await H5Py.DumpAsync(path);
        var cLi = dump.GetProperty("datasets").GetProperty("/coin-1/twin/c_li").GetProperty("values");
        Assert.Equal(before.Snapshot().Rows.Select(r => r.CLi), cLi.EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Everything_kept_survives_the_round_trip_through_the_file()
    {
        string path = Path.Combine(_dir, "experiment.nxs");
        var log = NexusFileWriterTests.SampleLog();
        var x = NexusExperiment.Create(path, "twin test");
        var copy = x.Cell(log.Info);
        var s = log.Snapshot();
        foreach (var r in s.Rows) copy.Append(r);
        foreach (var e in s.Events) copy.AddEvent(e);
        foreach (var a in s.Alarms) copy.AddAlarm(a);
        foreach (var p in s.Patterns) copy.SetPattern(p);
        foreach (var (id, d) in s.PatternData) copy.SetPatternData(id, d);
        copy.SetCycles(s.Cycles);
        x.Flush();

        var back = NexusExperiment.Open(path, "twin test", out _).Cells.Single().Snapshot();
        Assert.Equal(s.Info, back.Info);
        Assert.Equal(s.Rows, back.Rows);
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
}
