using System.Diagnostics;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;
using Twin.Testing.Influx;
using Xunit.Abstractions;
using Twin.Testing;

namespace Twin.Storage.Tests.Influx;

/// <summary>
/// The fault test of the issue: the real InfluxDB is stopped for a minute while points keep arriving at a steady
/// rate through the spool, then started again. Every point must arrive, none twice, each series in order.
/// </summary>
public class OutageTests(ITestOutputHelper output)
{
    /// <summary>How long the database is down: one minute, as the issue asks.</summary>
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Before = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private const int Cells = 4;

    [Fact]
    public async Task A_one_minute_database_outage_loses_nothing_and_keeps_each_series_in_order()
    {
        await using var server = await InfluxServer.LaunchAsync("outage");
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(server.BaseUri, "outage"), new InfluxWriterOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            RetryMaxDelay = TimeSpan.FromSeconds(2),
            CircuitBreakDuration = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        var alarms = new List<SpoolAlarm>();
        await using var spool = PointSpool.Open(new SpoolOptions
        {
            Directory = dir.Path, BatchMaxLines = 1000, FlushInterval = TimeSpan.FromMilliseconds(200),
        }, writer);
        spool.AlarmChanged += (_, a) => { lock (alarms) { alarms.Add(a); } };
        await spool.StartAsync();

        // Producer: every tick one point per cell, timestamps from the clock, seq counting per cell.
        using var stop = new CancellationTokenSource();
        long produced = 0;
        var producer = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Tick);
            long lastNs = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await timer.WaitForNextTickAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                long ns = Math.Max(lastNs + 1, LineProtocolRules.ToUnixNanoseconds(DateTimeOffset.UtcNow));
                lastNs = ns;
                long seq = Interlocked.Read(ref produced);
                var batch = Enumerable.Range(0, Cells).Select(c => Points.Telemetry($"c{c}", seq, ns)).ToList();
                await spool.WriteAsync(batch);
                Interlocked.Increment(ref produced);
            }
        });

        await Task.Delay(Before); // stimulus: the producer runs this long against a healthy database
        await Wait.UntilAsync(async () => (await server.QueryRowsAsync("SELECT count(seq) FROM telemetry")).Single().GetInt64("count") > 0,
            "points to reach the database before the outage");

        var clock = Stopwatch.StartNew();
        await server.StopAsync();
        long producedAtStop = Interlocked.Read(ref produced);
        output.WriteLine($"database stopped; {spool.GetMetrics().PendingRecords} pending");
        await Task.Delay(Outage - clock.Elapsed); // stimulus: the database stays down this long
        long producedDuring = Interlocked.Read(ref produced) - producedAtStop; // read before the snapshot: all of it is in there
        var during = spool.GetMetrics();
        output.WriteLine($"after {clock.Elapsed.TotalSeconds:0.0} s down: {during}");
        Assert.True(producedDuring > Outage.TotalSeconds / Tick.TotalSeconds / 4, $"the producer kept writing: {producedDuring} ticks");
        Assert.True(during.PendingRecords >= producedDuring * Cells,
            $"points pile up in the spool while the database is down: {during.PendingRecords} pending, {producedDuring * Cells} produced meanwhile");
        Assert.True(during.OldestUnconfirmedAge > Outage * 0.8, $"oldest unconfirmed {during.OldestUnconfirmedAge}");
        Assert.True(during.Retries > 5);
        // Backoff is capped at 2 s here: a minute down is a few dozen attempts, not a busy loop.
        Assert.True(during.Retries < 150, $"{during.Retries} retries in {Outage}");
        Assert.NotNull(during.LastWriterError);

        await server.StartAsync();
        output.WriteLine($"database started again after {clock.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(After); // stimulus: the producer goes on this long after the database is back
        await stop.CancelAsync();
        await producer;
        var drained = Stopwatch.StartNew();
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"drained {drained.Elapsed.TotalSeconds:0.0} s after the producer stopped");

        long perCell = Interlocked.Read(ref produced);
        var m = spool.GetMetrics();
        output.WriteLine($"final: {m}");
        Assert.Equal(perCell * Cells, m.PointsAccepted);
        Assert.Equal(perCell * Cells, m.PointsWritten);
        Assert.Equal(0, m.PendingRecords);
        Assert.Equal(0, m.QuarantinedLines);
        Assert.Empty(spool.ActiveAlarms);
        lock (alarms)
        {
            Assert.Contains(alarms, a => a.Kind == SpoolAlarmKind.WriterUnavailable && a.Active);
        }

        for (int c = 0; c < Cells; c++)
        {
            var rows = await server.QueryRowsAsync($"SELECT seq FROM telemetry WHERE cell = 'c{c}'");
            var seqs = rows.Select(r => r.GetInt64("seq")!.Value).ToList();
            // Complete, no duplicates, and in time order the sequence counts up by one: per-series order kept.
            Assert.Equal(Enumerable.Range(0, (int)perCell).Select(i => (long)i), seqs);
            Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.TimeNs < p.Second.TimeNs));
        }
        output.WriteLine($"{perCell} points per cell x {Cells} cells all present and in order");
    }

    [Fact]
    public async Task A_killed_database_loses_nothing_it_confirmed()
    {
        await using var server = await InfluxServer.LaunchAsync("killed");
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(server.BaseUri, "killed"), new InfluxWriterOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromSeconds(1), CircuitBreakDuration = TimeSpan.FromSeconds(1),
        });
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir.Path, BatchMaxLines = 500, FlushInterval = TimeSpan.FromMilliseconds(50) }, writer);
        await spool.StartAsync();

        const int Batches = 60;
        for (int b = 0; b < Batches; b++)
        {
            await spool.WriteAsync(Points.Range("c1", b * 100, 100));
            if (b == 20)
            {
                server.Kill(); // SIGKILL: only what InfluxDB had fsync'd to its WAL before answering 204 survives
            }
            if (b == 40)
            {
                await server.StartAsync();
            }
            await Task.Delay(25); // stimulus: batches keep coming while the database dies and comes back
        }
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var seqs = (await server.QueryRowsAsync("SELECT seq FROM telemetry")).Select(r => r.GetInt64("seq")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, Batches * 100).Select(i => (long)i), seqs);
    }
}
