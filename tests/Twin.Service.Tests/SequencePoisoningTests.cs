using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;

namespace Twin.Service.Tests;

/// <summary>
/// The cell runtime fed the real LG M50 file, with foreign samples of the kinds an attacker or a broken client sends
/// in between: the real samples keep their effect on c_Li exactly, the foreign ones are rejected or kept apart.
/// </summary>
public class SequencePoisoningTests
{
    private static readonly ExperimentCell Cell = new("lab", CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));

    private static List<double> ReplayCLi()
    {
        var twin = new CellTwin(Cell.Config);
        using var reader = CyclerFileReader.Open(EmbeddedServiceTests.RepoFile("lg-m50-nmc811-maccor.txt"));
        return reader.Select(s => twin.Update(s).CLi).ToList();
    }

    private static TelemetryMessage Msg(params TelemetrySample[] samples) => new() { Samples = [.. samples] };

    /// <summary>Feeds the wire samples one message each; at <paramref name="at"/> the foreign message goes in first.</summary>
    private static (List<double> CLi, List<IngestBatch> Foreign) Feed(CellRuntime rt, List<TelemetrySample> wire, int at, params TelemetryMessage[] foreign)
    {
        var cli = new List<double>(wire.Count);
        var batches = new List<IngestBatch>();
        for (int i = 0; i < wire.Count; i++)
        {
            if (i == at) foreach (var f in foreign) batches.Add(rt.ApplyAndCommit(f));
            var b = rt.ApplyAndCommit(Msg(wire[i]));
            Assert.Single(b.Samples);
            cli.Add(b.Samples[0].Output.CLi);
        }
        return (cli, batches);
    }

    [Fact]
    public void The_real_file_alone_is_applied_exactly_as_twin_replay_with_nothing_rejected()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var rt = new CellRuntime(Cell, null);
        var (cli, _) = Feed(rt, wire, -1);
        Assert.Equal(ReplayCLi(), cli);
        Assert.Equal(0, rt.Snapshot.Rejected.SamplesTotal);
        Assert.Equal(new SequenceCounts(wire.Count, 0, 0, 0, 0, 0), rt.Snapshot.Sequence);
    }

    [Fact]
    public void A_huge_seq_with_zero_current_and_a_new_counter_segment_is_rejected_and_c_li_follows_the_real_samples()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        int at = wire.Count / 2;
        var prev = wire[at - 1];
        var rogue = new TelemetrySample
        {
            Seq = long.MaxValue, TimeUnixNs = prev.TimeUnixNs + 1, VoltageV = 3.7, CurrentA = 0, ChargeAh = 0, CounterSegment = 999, Kind = "rest",
        };
        var rt = new CellRuntime(Cell, null);
        var (cli, foreign) = Feed(rt, wire, at, Msg(rogue));
        Assert.Equal(ReplayCLi(), cli);
        var r = Assert.Single(Assert.Single(foreign).Rejections);
        Assert.Equal(RejectionReason.SeqAhead, r.Reason);
        Assert.Equal(1, rt.Snapshot.Rejected.Samples[RejectionReason.SeqAhead]);
        Assert.Equal(wire.Count - 1, rt.Snapshot.LastSeq);
        Assert.Equal(0, rt.Snapshot.Sequence.Duplicates);
    }

    [Fact]
    public void A_counter_restart_holding_charge_no_current_could_pass_is_rejected()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        int at = wire.Count / 2;
        var prev = wire[at - 1];
        // The next sequence number, plausible time, zero current, a new counter segment claiming 2 A·h.
        var rogue = new TelemetrySample
        {
            Seq = prev.Seq + 1, TimeUnixNs = prev.TimeUnixNs + 1_000_000, VoltageV = 3.7, CurrentA = 0, ChargeAh = -2.0, CounterSegment = 999, Kind = "rest",
        };
        var rt = new CellRuntime(Cell, null);
        var (cli, foreign) = Feed(rt, wire, at, Msg(rogue));
        var r = Assert.Single(Assert.Single(foreign).Rejections);
        Assert.Equal(RejectionReason.CounterJump, r.Reason);
        Assert.Contains("restarts the charge counter at charge_Ah = -2", r.Detail);
        Assert.Equal(ReplayCLi(), cli);
    }

    [Fact]
    public void A_foreign_restart_at_seq_0_is_kept_apart_and_the_source_resumes_its_own_counter()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        int at = wire.Count / 2;
        var prev = wire[at - 1];
        var rogue = new TelemetrySample
        {
            Seq = 0, TimeUnixNs = prev.TimeUnixNs + 1_000_000, VoltageV = 3.7, CurrentA = 0, ChargeAh = 1.5, CounterSegment = 0, Kind = "rest",
        };
        var rt = new CellRuntime(Cell, null);
        var (cli, foreign) = Feed(rt, wire, at, Msg(rogue));
        Assert.Single(Assert.Single(foreign).SessionChanges);
        // Every real sample applied, none dropped; c_Li as in the replay (the foreign counter never enters it).
        Assert.Equal(ReplayCLi(), cli);
        Assert.Equal((1L, 1L, 0L), (rt.Snapshot.Sequence.Sessions, rt.Snapshot.Sequence.Resumed, rt.Snapshot.Sequence.Duplicates));
    }

    [Fact]
    public void A_restarted_driver_counting_from_seq_1_and_zero_charge_continues_without_a_jump()
    {
        const long t0 = 1_700_000_000_000_000_000;
        static TelemetrySample S(long seq, double seconds, double chargeAh) => new()
        {
            Seq = seq, TimeUnixNs = t0 + (long)(seconds * 1e9), VoltageV = 3.9, CurrentA = 0.36, ChargeAh = chargeAh, Kind = "charge",
        };
        var rt = new CellRuntime(Cell, null);
        // First run: 100 samples, 10 s apart, 1 mA·h each (its counter reaches 0.099 A·h).
        for (int i = 1; i <= 100; i++) rt.ApplyAndCommit(Msg(S(i, i * 10, (i - 1) * 0.001)));
        double before = rt.Snapshot.CLi;
        var resumed = new CellRuntime(Cell, rt.Checkpoint());
        // The driver restarts an hour later: seq from 1, its counter from 0 again.
        var first = resumed.ApplyAndCommit(Msg(S(1, 4600, 0)));
        Assert.Single(first.Samples);
        Assert.Contains("new source session", Assert.Single(first.SessionChanges));
        Assert.Equal(before, resumed.Snapshot.CLi, 12);
        for (int i = 2; i <= 11; i++) resumed.ApplyAndCommit(Msg(S(i, 4600 + (i - 1) * 10, (i - 1) * 0.001)));
        Assert.Equal(before - 0.010 / 8.732, resumed.Snapshot.CLi, 12);
        Assert.Equal(0, resumed.Snapshot.Sequence.Duplicates);
    }

    [Fact]
    public void The_largest_seq_is_rejected_across_a_restart_and_the_rejection_count_survives_it()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var rt = new CellRuntime(Cell, null);
        for (int i = 0; i < 100; i++) rt.ApplyAndCommit(Msg(wire[i]));
        var poisoned = rt.ApplyAndCommit(Msg(wire[100] with { Seq = long.MaxValue }));
        Assert.Equal(RejectionReason.SeqAhead, Assert.Single(poisoned.Rejections).Reason);
        var restarted = new CellRuntime(Cell, rt.Checkpoint());
        Assert.Equal(1, restarted.Snapshot.Rejected.Samples[RejectionReason.SeqAhead]);
        for (int i = 100; i < 200; i++) Assert.Single(restarted.ApplyAndCommit(Msg(wire[i])).Samples);
        Assert.Equal(199, restarted.Snapshot.LastSeq);
    }

    [Fact]
    public void A_sample_older_than_the_last_one_is_rejected_with_its_reason()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var rt = new CellRuntime(Cell, null);
        for (int i = 0; i < 10; i++) rt.ApplyAndCommit(Msg(wire[i]));
        var b = rt.ApplyAndCommit(Msg(wire[10] with { TimeUnixNs = wire[5].TimeUnixNs }));
        var r = Assert.Single(b.Rejections);
        Assert.Equal(RejectionReason.TimeBackwards, r.Reason);
        Assert.Contains("time must not run backwards", r.Detail);
        Assert.Single(rt.ApplyAndCommit(Msg(wire[10])).Samples);
    }

    [Theory]
    [InlineData(1e300, "charge_Ah = 1E+300 is outside the plausible range ±87.32 A·h (10 × the cell's Q_Li of 8.732 A·h)")]
    [InlineData(-90.0, "charge_Ah = -90 is outside the plausible range ±87.32 A·h")]
    public void An_extreme_charge_rejects_the_whole_message_naming_field_and_range(double chargeAh, string expected)
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var e = Assert.Throws<PayloadException>(() => WireSamples.Of(Msg(wire[0], wire[1] with { ChargeAh = chargeAh }), Cell));
        Assert.Contains("sample 1 (seq 1): " + expected, e.Message);
    }

    [Fact]
    public void A_published_snapshot_never_changes_and_the_next_one_shows_the_commit()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var rt = new CellRuntime(Cell, null);
        rt.ApplyAndCommit(Msg([.. wire.Take(1000)]));
        var before = rt.Snapshot;
        long samples = before.OpenCycle.Samples;
        double cli = before.CLi;
        var pending = rt.Apply(Msg([.. wire.Skip(1000).Take(1000)]));
        Assert.Same(before, rt.Snapshot); // applied, not committed: nothing published
        rt.Commit(pending, rt.Checkpoint());
        Assert.NotSame(before, rt.Snapshot);
        Assert.Equal((samples, cli), (before.OpenCycle.Samples, before.CLi));
        Assert.Equal(1999, rt.Snapshot.LastSeq);
        Assert.True(rt.Snapshot.Version > before.Version);
    }

    [Fact]
    public void A_rollback_returns_to_the_last_commit_and_the_batch_applies_again()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var rt = new CellRuntime(Cell, null);
        rt.ApplyAndCommit(Msg([.. wire.Take(500)]));
        var b = rt.Apply(Msg([.. wire.Skip(500).Take(100)]));
        Assert.Equal(100, b.Samples.Count);
        rt.Rollback();
        Assert.Equal(499, rt.LastSeq);
        var again = rt.ApplyAndCommit(Msg([.. wire.Skip(500).Take(100)]));
        Assert.Equal(100, again.Samples.Count);
        Assert.Equal(ReplayCLi()[599], rt.Snapshot.CLi);
    }
}
