using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Core.Samples;
using Twin.Service.State;

namespace Twin.Service.Tests;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-ckpt-" + Guid.NewGuid().ToString("N"));

    private static CellStateRecord Record(string cell, long seq, int samples)
    {
        var twin = new CellTwin(CellConfig.WithDefaults(cell, MaterialCatalog.Default.Get("NMC811"), 1.0, 0.9));
        for (int i = 0; i < samples; i++) twin.Update(new CyclerSample(i, 3.8, 0.5, double.NaN, 0, 1, 0, StepKind.Charge));
        return new CellStateRecord("lab", cell, seq, 1_700_000_000_000_000_000 + seq, twin.Checkpoint());
    }

    [Fact]
    public async Task Saved_state_survives_reopening()
    {
        await using (var store = new CheckpointStore(_dir))
        {
            await store.SaveAsync(Record("c1", 10, 5));
            await store.SaveAsync(Record("c1", 20, 9));
            await store.SaveAsync(Record("c2", 3, 1));
        }
        await using var again = new CheckpointStore(_dir);
        Assert.Equal(20, again.Get("lab", "c1")!.LastSeq);
        Assert.Equal(9, again.Get("lab", "c1")!.Checkpoint.Estimator.Samples);
        Assert.Equal(3, again.Get("lab", "c2")!.LastSeq);
        Assert.Null(again.Get("lab", "c3"));
    }

    [Fact]
    public async Task Concurrent_saves_share_fsyncs()
    {
        await using var store = new CheckpointStore(_dir);
        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => store.SaveAsync(Record("c" + (i % 50), i, 1))));
        Assert.True(store.Flushes < 500, $"{store.Flushes} flushes for 500 saves");
        Assert.Equal(50, Enumerable.Range(0, 50).Count(i => store.Get("lab", "c" + i) is not null));
    }

    [Fact]
    public async Task A_torn_last_line_is_ignored_and_earlier_records_kept()
    {
        await using (var store = new CheckpointStore(_dir)) await store.SaveAsync(Record("c1", 10, 5));
        await File.AppendAllTextAsync(Path.Combine(_dir, "checkpoints.log"), "{\"site\":\"lab\",\"cell\":\"c1\",\"last_seq\":99,\"chec");
        await using var again = new CheckpointStore(_dir);
        Assert.Equal(1, again.UnreadableLines);
        Assert.Equal(10, again.Get("lab", "c1")!.LastSeq);
        // A crash's trace, not damage: told apart, with what the cell resumes from.
        Assert.Empty(again.Damage);
        string torn = Assert.Single(again.TornWrites);
        Assert.Contains("checkpoints.log line 2 (an unfinished last write (no newline)", torn, StringComparison.Ordinal);
        Assert.Contains("cell lab/c1", torn, StringComparison.Ordinal);
        Assert.Contains("after seq 10", torn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_complete_last_record_without_its_newline_is_kept_and_the_next_record_gets_a_line_of_its_own()
    {
        await using (var store = new CheckpointStore(_dir)) await store.SaveAsync(Record("c1", 10, 5));
        string log = Path.Combine(_dir, "checkpoints.log");
        File.WriteAllText(log, File.ReadAllText(log).TrimEnd('\n'));
        await using (var again = new CheckpointStore(_dir))
        {
            Assert.Equal(0, again.UnreadableLines);
            Assert.Equal(10, again.Get("lab", "c1")!.LastSeq);
            await again.SaveAsync(Record("c1", 20, 9));
        }
        await using var third = new CheckpointStore(_dir);
        Assert.Equal(0, third.UnreadableLines);
        Assert.Empty(third.Damage);
        Assert.Equal(20, third.Get("lab", "c1")!.LastSeq);
    }

    [Fact]
    public async Task A_damaged_newest_checkpoint_is_reported_set_aside_and_the_cell_resumes_from_the_previous_generation()
    {
        await using (var store = new CheckpointStore(_dir))
        {
            await store.SaveAsync(Record("c1", 10, 5));
            await store.SaveAsync(Record("c1", 20, 9));
        }
        string log = Path.Combine(_dir, "checkpoints.log");
        var lines = File.ReadAllLines(log);
        string damagedLine = lines[^1].Replace("\"last_seq\":20,", "\"last_seq\":2#,", StringComparison.Ordinal);
        lines[^1] = damagedLine;
        File.WriteAllLines(log, lines); // damaged on disk, newline intact
        await using (var again = new CheckpointStore(_dir))
        {
            Assert.Equal(10, again.Get("lab", "c1")!.LastSeq);
            string damage = Assert.Single(again.Damage);
            Assert.Contains("checkpoints.log line 2", damage, StringComparison.Ordinal);
            Assert.Contains("newest checkpoint of cell lab/c1 is damaged", damage, StringComparison.Ordinal);
            Assert.Contains("after seq 10", damage, StringComparison.Ordinal);
            Assert.Contains(damagedLine, File.ReadAllText(Path.Combine(_dir, "checkpoints.corrupt")), StringComparison.Ordinal);
            await again.SaveAsync(Record("c1", 30, 11)); // appended on a line of its own
        }
        await using var third = new CheckpointStore(_dir);
        Assert.Empty(third.Damage);
        Assert.Equal(30, third.Get("lab", "c1")!.LastSeq);
    }

    [Fact]
    public async Task Compaction_keeps_the_previous_generation_so_a_damaged_snapshot_line_has_one_to_fall_back_to()
    {
        await using (var store = new CheckpointStore(_dir, compactBytes: 4096))
        {
            for (int i = 0; i < 200; i++) await store.SaveAsync(Record("c1", i, 2));
        }
        string snapshot = Path.Combine(_dir, "checkpoints.snapshot");
        File.WriteAllText(Path.Combine(_dir, "checkpoints.log"), "");
        var lines = File.ReadAllLines(snapshot);
        Assert.Equal(2, lines.Length);
        lines[^1] = "garbage";
        File.WriteAllLines(snapshot, lines);
        await using var again = new CheckpointStore(_dir);
        Assert.NotNull(again.Get("lab", "c1"));
        Assert.Single(again.Damage);
    }

    [Fact]
    public async Task A_cell_with_no_intact_checkpoint_left_is_reported_as_starting_over()
    {
        await using (var store = new CheckpointStore(_dir)) await store.SaveAsync(Record("c1", 10, 5));
        string log = Path.Combine(_dir, "checkpoints.log");
        File.WriteAllText(log, File.ReadAllText(log).Replace("\"checkpoint\":{", "\"checkpoint\":[", StringComparison.Ordinal));
        await using var again = new CheckpointStore(_dir);
        Assert.Null(again.Get("lab", "c1"));
        Assert.Contains("no intact one is left", Assert.Single(again.Damage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compaction_keeps_the_latest_record_of_each_cell()
    {
        await using (var store = new CheckpointStore(_dir, compactBytes: 4096))
        {
            for (int i = 0; i < 200; i++) await store.SaveAsync(Record("c" + (i % 3), i, 2));
        }
        Assert.True(new FileInfo(Path.Combine(_dir, "checkpoints.log")).Length < 8192);
        Assert.True(File.Exists(Path.Combine(_dir, "checkpoints.snapshot")));
        await using var again = new CheckpointStore(_dir);
        Assert.Equal([197L, 198L, 199L], new[] { "c2", "c0", "c1" }.Select(c => again.Get("lab", c)!.LastSeq!.Value).Order());
    }

    /// <summary>A record as the service wrote it before the twin carried the c_Li filter (no "Filter" in the checkpoint).</summary>
    private const string RecordWithoutFilter = """
        {"site":"lab","cell":"c1","last_seq":400,"last_time_unix_ns":1700000000000000000,"checkpoint":{"CellId":"c1","Material":"NMC811","Estimator":{"CLi0":0.9,"QLiAh":1,"ChargeAh":0.27777777777777707,"Samples":400,"LastTimeS":4990,"LastCurrentA":-0.5,"LastCounterAh":"NaN","LastSegment":0},"Zone":0,"ChargeSeenInCycle":true,"DischargeSeenInCycle":true,"RateCLiPerS":0.00013881921832864985,"LastCLi":0.6222222222222229,"LastEpsAniso":0.0005,"Cycles":[{"Cycle":1,"StartTimeS":1000,"EndTimeS":4990,"Samples":400,"MinCLi":0.48472222222222344,"MinCLiTimeS":3990,"MinCLiVoltageV":3.8,"TimeBelowCriticalS":0,"FirstCrossingTimeS":"NaN","FirstCrossingStep":0,"FirstCrossingVoltageV":"NaN","WorstZone":0,"ChargedAh":0.4152777777777766,"DischargedAh":0.13749999999999976,"CutoffReachedVoltageV":"NaN","CutoffReachedTimeS":"NaN","CutoffReachedStep":0,"StrainDoseS":0,"RecommendedCutoffV":"NaN","CrossedCritical":false}]},"generation":1,"sequence":null,"counters":null,"rejected":null,"saved_unix_ms":0,"clean_stop":false}
        """;

    [Fact]
    public async Task A_record_written_before_the_filter_existed_loads_and_the_twin_resumes_from_the_priors()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "checkpoints.log"), RecordWithoutFilter + "\n");
        await using var store = new CheckpointStore(_dir);
        Assert.Empty(store.Damage);
        var record = store.Get("lab", "c1")!;
        Assert.Equal(400, record.LastSeq);
        Assert.Null(record.Checkpoint.Filter);

        var twin = new CellTwin(CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), 1.0, 0.9), record.Checkpoint);
        Assert.Equal(record.Checkpoint.LastCLi, twin.CLi); // the counted c_Li it stopped at
        Assert.True(twin.Estimator.Sigma > twin.Config.Estimator.CLi0Sigma, $"σ {twin.Estimator.Sigma}");
        await store.SaveAsync(record with { LastSeq = 401, Checkpoint = twin.Checkpoint() });
        Assert.NotNull(store.Get("lab", "c1")!.Checkpoint.Filter);
    }

    [Fact]
    public async Task The_filter_state_survives_the_store_bit_for_bit()
    {
        var twin = new CellTwin(CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), 1.0, 0.9));
        for (int i = 0; i < 50; i++) twin.Update(new CyclerSample(i * 10, 3.8, 0.5, double.NaN, 0, 1, 0, StepKind.Charge));
        var update = twin.Observe(new LithiumMeasurement(480, 0.8412, 0.005, LithiumMeasurementKind.Diffraction));
        Assert.True(update.Changed);
        var saved = twin.Checkpoint().Filter!.Value;
        await using (var store = new CheckpointStore(_dir))
            await store.SaveAsync(new CellStateRecord("lab", "c1", 50, 1_700_000_000_000_000_000, twin.Checkpoint()));
        await using var again = new CheckpointStore(_dir);
        Assert.Equal(saved, again.Get("lab", "c1")!.Checkpoint.Filter);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }
}
