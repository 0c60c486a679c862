using System.Text;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;
using Twin.Testing;

namespace Twin.Storage.Tests.Spool;

/// <summary>The drainer against a loopback fake: ordering, checkpoints, segment deletion, restarts, a full spool draining.</summary>
public class SpoolDrainTests
{
    private static readonly InfluxWriterOptions Fast = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(100),
        CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
    };

    private static long Seq(string line) => LineProtocolParser.ParseLine(Encoding.UTF8.GetBytes(line)).GetField("seq")!.Value.IntegerValue;

    [Fact]
    public async Task Drained_segments_are_deleted_in_order_and_a_restart_sends_nothing_again()
    {
        await using var fake = await FakeInflux.StartAsync();
        using var dir = new TempDir();
        var options = new SpoolOptions { Directory = dir.Path, SegmentBytes = 64 * 1024, BatchMaxLines = 250, FlushInterval = TimeSpan.FromMilliseconds(10) };
        using (var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast))
        await using (var spool = PointSpool.Open(options, writer))
        {
            for (int b = 0; b < 30; b++)
            {
                await spool.WriteAsync(Points.Range("c1", b * 100, 100));
            }
            Assert.True(spool.GetMetrics().Segments > 3);
            await spool.StartAsync();
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var m = spool.GetMetrics();
            Assert.Equal(3000, m.PointsWritten);
            Assert.Equal(0, m.PendingRecords);
            Assert.Equal(0, m.PendingBytes);
            Assert.Equal(TimeSpan.Zero, m.OldestUnconfirmedAge);
            Assert.Equal(1, m.Segments);
            Assert.Single(Directory.GetFiles(dir.Path, "*.seg"));
            Assert.All(fake.Requests, r => Assert.True(fake.BodyLines(r).Count() <= 250));
        }
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i), fake.AcceptedLines().Select(Seq));

        await using var fake2 = await FakeInflux.StartAsync();
        using (var writer = new InfluxWriter(InfluxEndpoint.V1(fake2.BaseUri, "twin"), Fast))
        await using (var spool = PointSpool.Open(options, writer))
        {
            await spool.StartAsync();
            Assert.Equal(0, spool.GetMetrics().PendingRecords);
            await spool.WriteAsync([Points.Telemetry("c1", 3000)]);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal([3000L], fake2.AcceptedLines().Select(Seq));
    }

    [Fact]
    public async Task A_restart_after_a_crash_resends_at_most_the_unconfirmed_batch()
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (_, n) => n <= 3 ? (204, null, null) : (500, "{\"error\":\"timeout\"}", null);
        using var dir = new TempDir();
        var options = new SpoolOptions { Directory = dir.Path, BatchMaxLines = 100, FlushInterval = TimeSpan.Zero };
        var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        var spool = PointSpool.Open(options, writer);
        await spool.StartAsync();
        await spool.WriteAsync(Points.Range("c1", 0, 1000));
        await Wait.UntilAsync(() => fake.Requests.Count >= 6, "six write requests (three confirmed, then failures)", observed: () => $"{fake.Requests.Count}");
        Assert.Equal(300, spool.GetMetrics().PointsWritten);
        spool.SimulateCrash();
        writer.Dispose();

        await using var fake2 = await FakeInflux.StartAsync();
        using (var writer2 = new InfluxWriter(InfluxEndpoint.V1(fake2.BaseUri, "twin"), Fast))
        await using (var reopened = PointSpool.Open(options, writer2))
        {
            Assert.Equal(700, reopened.GetMetrics().PendingRecords);
            await reopened.StartAsync();
            await reopened.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(Enumerable.Range(300, 700).Select(i => (long)i), fake2.AcceptedLines().Select(Seq));
    }

    [Fact]
    public async Task A_full_spool_takes_points_again_once_the_database_took_the_backlog()
    {
        await using var fake = await FakeInflux.StartAsync();
        bool up = false;
        fake.Respond = (_, _) => Volatile.Read(ref up) ? (204, null, null) : (503, "{\"error\":\"down\"}", null);
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        var alarms = new List<SpoolAlarm>();
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir.Path, MaxBytes = 256 * 1024, FlushInterval = TimeSpan.Zero }, writer);
        spool.AlarmChanged += (_, a) => { lock (alarms) { alarms.Add(a); } };
        await spool.StartAsync();

        long accepted = 0;
        while (true)
        {
            try
            {
                await spool.WriteAsync(Points.Range("c1", accepted, 50));
                accepted += 50;
            }
            catch (SpoolFullException)
            {
                break;
            }
        }
        Assert.True(spool.IsFull);
        Volatile.Write(ref up, true);
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await spool.WriteAsync(Points.Range("c1", accepted, 50));
        accepted += 50;
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(spool.IsFull);
        lock (alarms)
        {
            Assert.Contains(alarms, a => a.Kind == SpoolAlarmKind.SpoolFull && a.Active);
            Assert.Contains(alarms, a => a.Kind == SpoolAlarmKind.SpoolFull && !a.Active);
        }
        Assert.Equal(Enumerable.Range(0, (int)accepted).Select(i => (long)i), fake.AcceptedLines().Select(Seq));
    }

    [Fact]
    public async Task Stop_flushes_a_partial_batch_without_waiting_for_the_flush_interval()
    {
        await using var fake = await FakeInflux.StartAsync();
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir.Path, FlushInterval = TimeSpan.FromMinutes(10) }, writer);
        await spool.StartAsync();
        await spool.WriteAsync(Points.Range("c1", 0, 3));
        Assert.Empty(fake.Requests);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await spool.StopAsync(timeout.Token);
        Assert.Equal([0L, 1, 2], fake.AcceptedLines().Select(Seq));
    }
}
