using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;

namespace Twin.Storage.Tests.Spool;

/// <summary>The spool as the embedded store (no database): durability, order, segments, bounds, locking.</summary>
public class SpoolTests
{
    private static SpoolOptions Options(string dir) => new() { Directory = dir };

    private static async Task<List<SpoolRecord>> ReadAll(PointSpool spool)
    {
        var list = new List<SpoolRecord>();
        await foreach (var r in spool.ReadAsync())
        {
            list.Add(r);
        }
        return list;
    }

    [Fact]
    public async Task Accepted_points_are_on_disk_and_read_back_in_order_after_reopen()
    {
        using var dir = new TempDir();
        var written = new List<LinePoint>();
        await using (var spool = PointSpool.Open(Options(dir.Path)))
        {
            for (int b = 0; b < 5; b++)
            {
                var batch = Points.Range("c1", b * 10, 10);
                await spool.WriteAsync(batch);
                written.AddRange(batch);
            }
            var m = spool.GetMetrics();
            Assert.Equal(50, m.PointsAccepted);
            Assert.Equal(50, m.PendingRecords);
            Assert.False(m.HasWriter);
            Assert.True(m.OldestUnconfirmedAge >= TimeSpan.Zero);
        }

        await using (var spool = PointSpool.Open(Options(dir.Path)))
        {
            Assert.Empty(spool.RecoveryNotes);
            var records = await ReadAll(spool);
            Assert.Equal(written.Select(p => p.ToString() + "\n"), records.Select(r => r.LineText + "\n"));
            Assert.Equal(written.Select(p => p.TimestampNs), records.Select(r => r.ToPoint().TimestampNs));
            Assert.Equal(50, spool.GetMetrics().PendingRecords);
        }
        Assert.Equal(50, SpoolReader.ReadPoints(dir.Path).Count());
    }

    [Fact]
    public async Task Concurrent_writers_are_grouped_into_fsyncs_and_keep_their_own_order()
    {
        using var dir = new TempDir();
        await using var spool = PointSpool.Open(Options(dir.Path));
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 300; i++)
            {
                await spool.WriteAsync([Points.Telemetry($"c{w}", i)]);
            }
        })).ToArray();
        await Task.WhenAll(writers);
        var records = await ReadAll(spool);
        Assert.Equal(1200, records.Count);
        foreach (var cell in records.Select(r => r.ToPoint()).GroupBy(p => p.GetTag("cell")))
        {
            Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), cell.Select(p => p.GetField("seq")!.Value.IntegerValue));
        }
    }

    [Fact]
    public async Task Segments_roll_at_their_size_and_all_are_read_back()
    {
        using var dir = new TempDir();
        await using (var spool = PointSpool.Open(Options(dir.Path) with { SegmentBytes = 64 * 1024 }))
        {
            for (int b = 0; b < 20; b++)
            {
                await spool.WriteAsync(Points.Range("c1", b * 100, 100));
            }
            Assert.True(spool.GetMetrics().Segments >= 3, $"segments: {spool.GetMetrics().Segments}");
        }
        var seqs = SpoolReader.ReadPoints(dir.Path).Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), seqs);
    }

    public enum Damage
    {
        CutInsidePayload,
        CutInsideHeader,
        FlippedPayloadByte,
        GarbageAfterLastRecord,
        HugeLengthAfterLastRecord,
    }

    [Theory]
    [InlineData(Damage.CutInsidePayload, 99)]
    [InlineData(Damage.CutInsideHeader, 99)]
    [InlineData(Damage.FlippedPayloadByte, 99)]
    [InlineData(Damage.GarbageAfterLastRecord, 100)]
    [InlineData(Damage.HugeLengthAfterLastRecord, 100)]
    public async Task A_torn_or_damaged_tail_is_cut_and_everything_before_it_is_kept(Damage damage, int kept)
    {
        using var dir = new TempDir();
        var spool = PointSpool.Open(Options(dir.Path));
        for (int i = 0; i < 10; i++)
        {
            await spool.WriteAsync(Points.Range("c1", i * 10, 10));
        }
        spool.SimulateCrash(); // abandoned like a killed process: no dispose, no checkpoint

        string segment = Directory.GetFiles(dir.Path, "*.seg").Single();
        var lastRecord = SpoolReader.ReadAll(dir.Path).Last();
        long lastStart = lastRecord.Offset;
        long length = new FileInfo(segment).Length;
        using (var fs = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            switch (damage)
            {
                case Damage.CutInsidePayload:
                    fs.SetLength(length - 5);
                    break;
                case Damage.CutInsideHeader:
                    fs.SetLength(lastStart + 7);
                    break;
                case Damage.FlippedPayloadByte:
                    fs.Position = lastStart + 16 + 3;
                    int b = fs.ReadByte();
                    fs.Position = lastStart + 16 + 3;
                    fs.WriteByte((byte)(b ^ 0x20));
                    break;
                case Damage.GarbageAfterLastRecord:
                    fs.Position = length;
                    fs.Write([0x21, 0x00, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3]);
                    break;
                case Damage.HugeLengthAfterLastRecord:
                    fs.Position = length;
                    fs.Write([0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                    break;
            }
        }

        await using (var reopened = PointSpool.Open(Options(dir.Path)))
        {
            Assert.Single(reopened.RecoveryNotes);
            Assert.True(reopened.GetMetrics().RecoveredBytesDiscarded > 0);
            var seqs = (await ReadAll(reopened)).Select(r => r.ToPoint().GetField("seq")!.Value.IntegerValue).ToList();
            Assert.Equal(Enumerable.Range(0, kept).Select(i => (long)i), seqs);
            Assert.Equal(kept, reopened.GetMetrics().PendingRecords);

            // Appending continues cleanly after the cut.
            await reopened.WriteAsync([Points.Telemetry("c1", 1000)]);
        }
        var after = SpoolReader.ReadPoints(dir.Path).Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(kept + 1, after.Count);
        Assert.Equal(1000, after[^1]);
    }

    [Fact]
    public async Task Full_spool_refuses_writes_with_SpoolFullException_and_an_alarm_and_keeps_what_it_accepted()
    {
        using var dir = new TempDir();
        var alarms = new List<SpoolAlarm>();
        long accepted = 0;
        await using (var spool = PointSpool.Open(Options(dir.Path) with { MaxBytes = 256 * 1024 }))
        {
            spool.AlarmChanged += (_, a) => alarms.Add(a);
            SpoolFullException? full = null;
            for (int b = 0; b < 1000 && full is null; b++)
            {
                try
                {
                    await spool.WriteAsync(Points.Range("c1", accepted, 50));
                    accepted += 50;
                }
                catch (SpoolFullException e)
                {
                    full = e;
                }
            }
            Assert.NotNull(full);
            Assert.Contains("is full", full.Message, StringComparison.Ordinal);
            Assert.Equal(256 * 1024, full.MaxBytes);
            Assert.True(spool.IsFull);
            Assert.True(spool.GetMetrics().DiskBytes <= 256 * 1024);
            var alarm = Assert.Single(alarms);
            Assert.Equal(SpoolAlarmKind.SpoolFull, alarm.Kind);
            Assert.True(alarm.Active);
            Assert.Contains(spool.ActiveAlarms, a => a.Kind == SpoolAlarmKind.SpoolFull);
            await Assert.ThrowsAsync<SpoolFullException>(() => spool.WriteAsync(Points.Range("c1", accepted, 50)).AsTask());
            Assert.Equal(accepted, spool.GetMetrics().PointsAccepted);
            Assert.Equal(2, spool.GetMetrics().SpoolFullRejections);
            Assert.Single(alarms);
        }
        var seqs = SpoolReader.ReadPoints(dir.Path).Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(Enumerable.Range(0, (int)accepted).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Writers_beyond_the_queue_budget_wait_for_the_disk_and_every_write_is_accepted_in_order()
    {
        using var dir = new TempDir();
        await using (var spool = PointSpool.Open(Options(dir.Path) with { MaxQueuedBytes = 1 }))
        {
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < 50; i++) await spool.WriteAsync(Points.Range($"w{w}", i * 20, 20));
            })).ToList();
            await Task.WhenAll(writers);
            Assert.Equal(8 * 50 * 20, spool.GetMetrics().PointsAccepted);
            Assert.Equal(0, spool.GetMetrics().QueuedBytes);
            Assert.True(spool.CheckAdmission().Accepts);
        }
        foreach (var group in SpoolReader.ReadPoints(dir.Path).GroupBy(p => p.Tags.First(t => t.Key == "cell").Value))
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), group.Select(p => p.GetField("seq")!.Value.IntegerValue));
    }

    [Fact]
    public async Task A_point_that_cannot_be_encoded_refuses_the_whole_call()
    {
        using var dir = new TempDir();
        await using var spool = PointSpool.Open(Options(dir.Path));
        var bad = LinePoint.Builder("telemetry").Tag("cell", "c1").Field("n", 1UL).Timestamp(1).Build();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => spool.WriteAsync([Points.Telemetry("c1", 0), bad]).AsTask());
        Assert.Contains("telemetry,cell=c1", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, spool.GetMetrics().PointsAccepted);
        Assert.Empty(await ReadAll(spool));
    }

    [Fact]
    public async Task A_directory_is_opened_by_one_spool_at_a_time()
    {
        using var dir = new TempDir();
        await using var spool = PointSpool.Open(Options(dir.Path));
        var e = Assert.Throws<IOException>(() => PointSpool.Open(Options(dir.Path)));
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_after_dispose_throws()
    {
        using var dir = new TempDir();
        var spool = PointSpool.Open(Options(dir.Path));
        await spool.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => spool.WriteAsync([Points.Telemetry("c1", 0)]).AsTask());
    }

    [Fact]
    public async Task Changing_precision_starts_a_new_segment_and_old_lines_keep_theirs()
    {
        using var dir = new TempDir();
        await using (var spool = PointSpool.Open(Options(dir.Path)))
        {
            await spool.WriteAsync([Points.Telemetry("c1", 0, 1_700_000_000_123_456_789)]);
        }
        await using (var spool = PointSpool.Open(Options(dir.Path) with { LineProtocol = new LineProtocolOptions { Precision = TimestampPrecision.Milliseconds } }))
        {
            await spool.WriteAsync([Points.Telemetry("c1", 1, 1_700_000_000_123_456_789)]);
            var records = await ReadAll(spool);
            Assert.Equal([TimestampPrecision.Nanoseconds, TimestampPrecision.Milliseconds], records.Select(r => r.Precision));
            Assert.Equal([1_700_000_000_123_456_789L, 1_700_000_000_123_000_000L], records.Select(r => r.ToPoint().TimestampNs));
            Assert.Equal(2, spool.GetMetrics().Segments);
        }
    }
}
