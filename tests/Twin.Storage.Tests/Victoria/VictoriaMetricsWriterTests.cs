using System.Globalization;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;
using Twin.Testing;
using Twin.Testing.Victoria;
using Xunit.Abstractions;

namespace Twin.Storage.Tests.Victoria;

/// <summary>
/// The writer and the spool against a real VictoriaMetrics, the second time-series database the twin writes to. What
/// VictoriaMetrics 1.79 does with line protocol, as these tests pin it down: each field becomes its own series named
/// <c>{measurement}_{field}</c> with the tags as labels (plus <c>db</c> from <c>/write?db=</c>); every value is a
/// float64 (integers are exact up to 2^53, booleans are 1/0); timestamps are cut to whole milliseconds; floats are kept
/// to about 12 significant digits (1/3 comes back as 0.333333333333), so the values here have fewer; and a sample
/// written twice is stored twice (no deduplication unless the server is told to).
/// </summary>
public class VictoriaMetricsWriterTests(ITestOutputHelper output)
{
    private const long BaseNs = 1_700_000_000_000_000_000;

    [Theory]
    [InlineData("write?db=twin", "twin")]
    // VictoriaMetrics 1.79 takes /api/v2/write but makes no label of the bucket (nor the org): the series carry the tags only.
    [InlineData("api/v2/write?org=lab&bucket=twin", null)]
    public async Task Points_with_tags_and_every_field_type_read_back_exactly(string path, string? dbLabel)
    {
        await using var vm = await VictoriaMetricsServer.LaunchAsync();
        // As the CLI builds it from --influx (a token for /api/v2/write; VictoriaMetrics ignores it).
        var endpoint = InfluxEndpoint.FromOptions(new InfluxOptions { Url = new Uri(vm.BaseUri, path).ToString(), Token = "t" });
        var points = new List<LinePoint>();
        for (int i = 0; i < 40; i++)
        {
            points.Add(LinePoint.Builder("cell")
                .Tag("site", "lab 2, hutch=B").Tag("cell", $"c{i % 4}").Tag("material", "NMC811 ü中🔋")
                .Field("voltage_V", (3500 + i) / 1000.0).Field("current_A", i % 3 * -250 / 1000.0).Field("charge_Ah", i * 1234567 / 1e6)
                .Field("seq", (long)i).Field("big", (1L << 53) - i).Field("negative", -1_000_000_007L * i)
                .Field("resting", i % 2 == 0)
                // sub-ms parts that rounding and cutting to ms treat differently: .999999 ms, .000001 ms
                .Timestamp(BaseNs + i * 1_000_000_000L + (i % 2 == 0 ? 999_999 : 1)).Build());
        }
        // VictoriaMetrics 1.79 stores no text: a string field becomes a sample of 0, or the number when the text is one.
        points.Add(LinePoint.Builder("cell").Tag("cell", "c9").Field("note", "rest after charge").Field("code", "12.5").Timestamp(BaseNs).Build());

        using (var writer = new InfluxWriter(endpoint))
        {
            var result = await writer.WritePointsAsync(points);
            Assert.True(result.Written, $"{result.StatusCode}: {result.Reason}");
        }

        var expected = points.SelectMany(p => p.Fields.Select(f => Sample(p, f, dbLabel))).Order(StringComparer.Ordinal).ToList();
        var actual = await ExportedSamplesAsync(vm, "{__name__=~\"cell_.*\"}", expected.Count);
        AssertSameSamples(expected, actual);
    }

    [Fact]
    public async Task The_spool_drains_into_VictoriaMetrics_across_a_restart_with_nothing_lost_or_doubled()
    {
        await using var vm = await VictoriaMetricsServer.LaunchAsync();
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(vm.BaseUri, "twin"), new InfluxWriterOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            CircuitBreakDuration = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        await using var spool = PointSpool.Open(new SpoolOptions
        {
            Directory = dir.Path, BatchMaxLines = 500, FlushInterval = TimeSpan.FromMilliseconds(50),
        }, writer);
        await spool.StartAsync();
        const int Cells = 4;

        // Producer: every tick one point per cell, seq counting up, 1 ms apart in time.
        using var stop = new CancellationTokenSource();
        long produced = 0;
        var producer = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (await WaitTickAsync(timer, stop.Token))
            {
                long seq = Interlocked.Read(ref produced);
                await spool.WriteAsync(Enumerable.Range(0, Cells).Select(c => Telemetry($"c{c}", seq)).ToList());
                Interlocked.Increment(ref produced);
            }
        });
        string Seen() => $"{Interlocked.Read(ref produced)} ticks produced; {spool.GetMetrics()}";

        await Wait.UntilAsync(() => spool.GetMetrics().PointsWritten >= 200, "points to reach VictoriaMetrics before the stop", observed: Seen);
        await vm.StopAsync();
        long producedAtStop = Interlocked.Read(ref produced);
        output.WriteLine($"stopped: {Seen()}");
        await Wait.UntilAsync(() => spool.GetMetrics().Retries >= 3 && Interlocked.Read(ref produced) >= producedAtStop + 100,
            "the spool to retry while points keep coming", observed: Seen);
        var down = spool.GetMetrics();
        Assert.True(down.PendingRecords > 0, $"points wait in the spool while the database is down: {down}");
        Assert.NotNull(down.LastWriterError);

        await vm.StartAsync(); // same port, same data directory
        long producedAtStart = Interlocked.Read(ref produced);
        output.WriteLine($"started again: {Seen()}");
        await Wait.UntilAsync(() => spool.GetMetrics().PointsWritten >= (producedAtStart + 50) * Cells,
            "the backlog and new points to be written after the restart", observed: Seen);
        await stop.CancelAsync();
        await producer;
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(60));

        long perCell = Interlocked.Read(ref produced);
        var m = spool.GetMetrics();
        output.WriteLine($"final: {m}");
        Assert.Equal(perCell * Cells, m.PointsAccepted);
        Assert.Equal(perCell * Cells, m.PointsWritten);
        Assert.Equal(0, m.QuarantinedLines);

        // Every field of every point exactly once: VictoriaMetrics keeps duplicates, so a resent batch would show.
        var expected = Enumerable.Range(0, Cells).SelectMany(c => Enumerable.Range(0, (int)perCell).Select(seq => Telemetry($"c{c}", seq)))
            .SelectMany(p => p.Fields.Select(f => Sample(p, f, "twin"))).Order(StringComparer.Ordinal).ToList();
        var actual = await ExportedSamplesAsync(vm, "{__name__=~\"telemetry_.*\",db=\"twin\"}", expected.Count);
        AssertSameSamples(expected, actual);
        output.WriteLine($"{perCell} points per cell x {Cells} cells, {expected.Count} samples, all present once");
    }

    /// <summary>A telemetry point whose floats are short decimals, which VictoriaMetrics keeps exactly.</summary>
    private static LinePoint Telemetry(string cell, long seq) =>
        LinePoint.Builder("telemetry").Tag("site", "s").Tag("cell", cell).Tag("material", "NMC811")
            .Field("voltage_V", (3700 + seq % 100) / 1000.0).Field("current_A", 0.52).Field("charge_Ah", seq / 1000.0).Field("seq", seq)
            .Timestamp(BaseNs + seq * 1_000_000).Build();

    private static async Task<bool> WaitTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Flushes and exports until at least <paramref name="count"/> samples are searchable; returns all, sorted.</summary>
    private static async Task<List<string>> ExportedSamplesAsync(VictoriaMetricsServer vm, string match, int count)
    {
        IReadOnlyList<VictoriaSeries> series = [];
        await Wait.UntilAsync(async () =>
        {
            await vm.FlushAsync();
            series = await vm.ExportAsync(match);
            return series.Sum(x => x.Values.Count) >= count;
        }, $"{count} samples of {match} to be searchable", observed: () => $"{series.Sum(x => x.Values.Count)} samples in {series.Count} series");
        return series.SelectMany(s => s.Values.Select((v, i) => Sample(s.Labels, s.TimestampsMs[i], v))).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Fails naming the first samples lost (expected, not stored) and extra (stored twice, or not expected).</summary>
    private static void AssertSameSamples(List<string> expected, List<string> actual)
    {
        var missing = Subtract(expected, actual);
        var extra = Subtract(actual, expected);
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{expected.Count} samples expected, {actual.Count} stored; {missing.Count} missing, e.g.\n  {string.Join("\n  ", missing.Take(5))}\n" +
            $"{extra.Count} extra, e.g.\n  {string.Join("\n  ", extra.Take(5))}");
    }

    /// <summary>Multiset difference: each sample of <paramref name="a"/> not matched by one of <paramref name="b"/>.</summary>
    private static List<string> Subtract(List<string> a, List<string> b)
    {
        var left = b.CountBy(x => x, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (string x in a)
        {
            if (left.TryGetValue(x, out int n) && n > 0)
            {
                left[x] = n - 1;
            }
            else
            {
                rest.Add(x);
            }
        }
        return rest;
    }

    /// <summary>The sample VictoriaMetrics is to hold for one field of a point.</summary>
    private static string Sample(LinePoint p, LineField f, string? db)
    {
        var labels = p.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        labels["__name__"] = $"{p.Measurement}_{f.Key}";
        if (db is not null)
        {
            labels["db"] = db;
        }
        double value = f.Type switch
        {
            LineFieldType.Float => f.FloatValue,
            LineFieldType.Integer => f.IntegerValue,
            LineFieldType.Boolean => f.BooleanValue ? 1 : 0,
            LineFieldType.String => double.TryParse(f.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(f), f.Type, "not written by these tests"),
        };
        return Sample(labels, p.TimestampNs / 1_000_000, value); // cut, not rounded, to ms
    }

    private static string Sample(IReadOnlyDictionary<string, string> labels, long timestampMs, double value) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) +
        string.Create(CultureInfo.InvariantCulture, $" {timestampMs} {value:R}");
}
