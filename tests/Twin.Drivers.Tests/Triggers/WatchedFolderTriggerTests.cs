using Microsoft.Extensions.Time.Testing;
using Twin.Core.Samples;
using Twin.Drivers.Triggers;
using Twin.Testing;
using static Twin.Drivers.Tests.Triggers.PatternFileSamples;

namespace Twin.Drivers.Tests.Triggers;

public sealed class WatchedFolderTriggerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static void WriteRenamed(string folder, string name, string text, DateTime? mtimeUtc = null)
    {
        string temp = Path.Combine(folder, "." + name + ".part");
        File.WriteAllText(temp, text);
        if (mtimeUtc is { } m) File.SetLastWriteTimeUtc(temp, m);
        File.Move(temp, Path.Combine(folder, name));
    }

    [Fact]
    public async Task AFileWrittenInPiecesIsDeliveredOnlyWhenComplete()
    {
        using var dir = new TempFolder();
        // The trigger's clock stands still while the file is written: however slowly the pieces come, none looks stable.
        var time = new FakeTimeProvider();
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { StableFor = TimeSpan.FromSeconds(2), AcquireMargin = TimeSpan.FromHours(1) }, time);
        await w.OpenAsync();
        var acquire = w.AcquireAsync("P1", 1);

        string rows = Rows(400);
        var chunks = new List<string> { PyFaiHeader() + Operando("P1") };
        for (int i = 0; i < rows.Length; i += rows.Length / 6) chunks.Add(rows.Substring(i, Math.Min(rows.Length / 6, rows.Length - i)));
        await using (var fs = new FileStream(dir.File("p1.xy"), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
        await using (var sw = new StreamWriter(fs) { AutoFlush = true })
        {
            foreach (var chunk in chunks) // chunks split rows mid-line; pauses shorter than StableFor
            {
                await sw.WriteAsync(chunk);
                await Task.Delay(100); // stimulus: the writer pauses between pieces (the trigger scans meanwhile)
                Assert.False(acquire.IsCompleted, "delivered while the file was still being written");
            }
        }
        // Complete once its last size has been seen unchanged for StableFor on the trigger's clock.
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(1)); return acquire.IsCompleted; }, "the complete file, stepping the trigger's clock");
        var record = await acquire;
        Assert.Equal("P1", record.PatternId);
        Assert.Equal(400, w.LastPattern!.Intensity.Count);
        Assert.Equal(new Uri(dir.File("p1.xy")).AbsoluteUri, record.Uri);
        Assert.Equal(0.20664, record.WavelengthA!.Value, 9);
        Assert.Null(record.CLiMid); // the file's "c_li_mid: 0.62" line is not an answer the driver takes
        Assert.Equal(1_700_000_000_000_000_000, record.StartUnixNs);
        Assert.Equal(10, record.ExposureS);
    }

    [Fact]
    public async Task AFileRenamedIntoPlaceIsDeliveredWithoutWaitingForStability()
    {
        using var dir = new TempFolder();
        // The trigger's clock never moves: only a file that needs no stability wait can be delivered.
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { StableFor = TimeSpan.FromSeconds(30) }, new FakeTimeProvider());
        await w.OpenAsync();
        var acquire = w.AcquireAsync("P2", 1);
        WriteRenamed(dir.Path, "p2.xy", PyFaiHeader() + Rows(100));
        var record = await acquire.WaitAsync(Timeout);
        Assert.Equal("P2", record.PatternId);
        Assert.Equal("Pilatus CdTe 2M", record.Detector);
    }

    [Fact]
    public async Task TimesComeFromTheModificationTimeWhenTheHeaderHasNone()
    {
        using var dir = new TempFolder();
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { Detector = "fallback", WavelengthA = 1.5406 });
        await w.OpenAsync();
        var mtime = new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        var acquire = w.AcquireAsync("P3", 12.5);
        WriteRenamed(dir.Path, "p3.dat", Rows(20, sigma: false), mtime);
        var r = await acquire.WaitAsync(Timeout);
        long end = UnixTime.ToUnixNs(mtime);
        Assert.Equal(end, r.EndUnixNs);
        Assert.Equal(end - 12_500_000_000, r.StartUnixNs);
        Assert.Equal(12.5, r.ExposureS);
        Assert.Equal("fallback", r.Detector);
        Assert.Equal(1.5406, r.WavelengthA);
    }

    [Fact]
    public async Task IgnoresExistingHiddenAndForeignFiles()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("old.xy"), Rows(10));
        // Every file counts as complete at first sight, and the ignored ones are older than the wanted one: had the
        // trigger taken any of them, it would have delivered that one (oldest first), never new.XY.
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { StableFor = TimeSpan.Zero });
        await w.OpenAsync();
        var past = DateTime.UtcNow.AddMinutes(-5);
        foreach (var (name, text) in new[] { (".hidden.xy", Rows(10)), ("image.tif", "not a pattern"), ("p4.xy.tmp", Rows(10)) })
        {
            File.WriteAllText(dir.File(name), text);
            File.SetLastWriteTimeUtc(dir.File(name), past);
        }
        var acquire = w.AcquireAsync("P4", 1);
        WriteRenamed(dir.Path, "new.XY", Rows(10));
        var r = await acquire.WaitAsync(Timeout);
        Assert.EndsWith("new.XY", r.Uri);
    }

    [Fact]
    public async Task WatchDeliversEveryNewFileOldestFirst()
    {
        using var dir = new TempFolder();
        // Written in place (not renamed) while the trigger's clock stands still: all three become complete at the same
        // scan, once the clock moved past StableFor, and "oldest first" orders them by modification time.
        var time = new FakeTimeProvider();
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { StableFor = TimeSpan.FromMilliseconds(50) }, time);
        await w.OpenAsync();
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        foreach (var (name, text, at) in new[] { ("b.xy", Operando("second") + Rows(10), 2), ("a.xy", Operando("first") + Rows(10), 1), ("c.xy", Rows(10), 3) })
        {
            File.WriteAllText(dir.File(name), text);
            File.SetLastWriteTimeUtc(dir.File(name), t0.AddSeconds(at));
        }
        using var cts = new CancellationTokenSource(Timeout);
        var got = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var r in w.WatchAsync(cts.Token))
            {
                lock (got) got.Add(r.PatternId);
                if (got.Count == 3) break;
            }
        });
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromMilliseconds(50)); return watching.IsCompleted; }, "three files, stepping the trigger's clock",
            observed: () => { lock (got) return string.Join(", ", got); });
        await watching;
        Assert.Equal(["first", "second", "c"], got);
    }

    [Fact]
    public async Task TimeoutNamesFolderAndPattern()
    {
        using var dir = new TempFolder();
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { AcquireMargin = TimeSpan.FromMilliseconds(200) });
        await w.OpenAsync();
        var e = await Assert.ThrowsAsync<TriggerException>(() => w.AcquireAsync("P5", 0.1));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("pattern 'P5'", e.Message);
        Assert.Contains("no complete pattern file", e.Message);
    }

    [Fact]
    public async Task AMalformedFileFailsOnceThenTheNextIsDelivered()
    {
        using var dir = new TempFolder();
        await using var w = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { StableFor = TimeSpan.FromMilliseconds(50) });
        await w.OpenAsync();
        WriteRenamed(dir.Path, "bad.xy", "1.0 5\n1.1 oops\n");
        var e = await Assert.ThrowsAsync<PatternFileFormatException>(() => w.AcquireAsync("P6", 1).WaitAsync(Timeout));
        Assert.Contains("bad.xy:2:", e.Message);
        WriteRenamed(dir.Path, "good.xy", Rows(10));
        var r = await w.AcquireAsync("P7", 1).WaitAsync(Timeout);
        Assert.EndsWith("good.xy", r.Uri);
    }

    [Fact]
    public async Task AMissingFolderFailsOnOpen()
    {
        await using var w = new WatchedFolderTrigger("/nonexistent/twin-patterns");
        var e = await Assert.ThrowsAsync<TriggerException>(() => w.OpenAsync());
        Assert.Contains("/nonexistent/twin-patterns", e.Message);
    }
}
