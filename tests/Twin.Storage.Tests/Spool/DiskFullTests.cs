using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;
using Twin.Testing;

namespace Twin.Storage.Tests.Spool;

/// <summary>
/// The spool on a real full disk (a small tmpfs mounted by the test): writes are refused with
/// <see cref="SpoolDiskFullException"/>, nothing accepted before is lost or torn, the admission check says so, and
/// once there is room again writes are accepted.
/// </summary>
public sealed class DiskFullTests
{
    private static async Task<(long Accepted, SpoolDiskFullException Error)> FillAsync(PointSpool spool)
    {
        long accepted = 0;
        while (true)
        {
            try
            {
                await spool.WriteAsync(Points.Range("c1", accepted, 200));
                accepted += 200;
            }
            catch (SpoolDiskFullException e)
            {
                return (accepted, e);
            }
        }
    }

    [Fact]
    public async Task A_full_disk_refuses_writes_with_a_typed_error_keeps_what_was_accepted_and_recovers_when_there_is_room()
    {
        using var disk = SmallDisk.Mount(4L << 20);
        string filler = disk.Fill("filler", 2L << 20);
        string dir = Path.Combine(disk.Path, "spool");
        var alarms = new List<SpoolAlarm>();
        long accepted;
        // No reserve: the disk is used to the last byte, so the write itself hits ENOSPC.
        var options = new SpoolOptions { Directory = dir, MinFreeDiskBytes = 0, SegmentBytes = 256 * 1024 };
        await using (var spool = PointSpool.Open(options))
        {
            spool.AlarmChanged += (_, a) => { lock (alarms) alarms.Add(a); };
            Assert.True(spool.CheckAdmission().Accepts);
            (accepted, var error) = await FillAsync(spool);
            Assert.True(accepted > 0);
            Assert.NotNull(error.InnerException);
            Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
            Assert.Equal(dir, error.Directory);

            var admission = spool.CheckAdmission();
            Assert.Equal(SpoolRefusal.DiskFull, admission.Refusal);
            Assert.True(admission.RetryAfter > TimeSpan.Zero);
            Assert.True(spool.GetMetrics().IsDiskFull);
            Assert.Contains(spool.ActiveAlarms, a => a.Kind == SpoolAlarmKind.DiskFull);
            await Assert.ThrowsAsync<SpoolDiskFullException>(() => spool.WriteAsync(Points.Range("c1", accepted, 200)).AsTask());
            Assert.Equal(accepted, spool.GetMetrics().PointsAccepted);

            // Room again: the next write is accepted and the alarm cleared.
            File.Delete(filler);
            Assert.True(spool.CheckAdmission().Accepts);
            await spool.WriteAsync(Points.Range("c1", accepted, 200));
            accepted += 200;
            Assert.False(spool.GetMetrics().IsDiskFull);
            Assert.DoesNotContain(spool.ActiveAlarms, a => a.Kind == SpoolAlarmKind.DiskFull);
        }
        lock (alarms) Assert.Equal([true, false], alarms.Where(a => a.Kind == SpoolAlarmKind.DiskFull).Select(a => a.Active));

        // Reopened: every accepted point once, in order, and no torn record left by the failed appends.
        await using (var reopened = PointSpool.Open(options))
        {
            Assert.Empty(reopened.RecoveryNotes);
        }
        var seqs = SpoolReader.ReadPoints(dir).Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(Enumerable.Range(0, (int)accepted).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task The_free_space_reserve_is_kept_for_the_files_next_to_the_spool()
    {
        using var disk = SmallDisk.Mount(8L << 20);
        string dir = Path.Combine(disk.Path, "spool");
        const long reserve = 3L << 20;
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir, MinFreeDiskBytes = reserve, SegmentBytes = 256 * 1024 });
        var (accepted, error) = await FillAsync(spool);
        Assert.True(accepted > 0);
        Assert.Null(error.InnerException); // refused before writing, not by ENOSPC
        Assert.True(disk.FreeBytes >= reserve - 64 * 1024, $"{disk.FreeBytes} bytes free, {reserve} kept");
        Assert.Equal(SpoolRefusal.DiskFull, spool.CheckAdmission(100_000).Refusal);
        // What the reserve is for: a checkpoint next to the spool can still be written and fsynced.
        await File.WriteAllBytesAsync(Path.Combine(disk.Path, "checkpoint"), new byte[1 << 20]);
    }
}
