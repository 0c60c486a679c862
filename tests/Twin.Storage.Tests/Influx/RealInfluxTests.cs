using System.Text.Json;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;
using Twin.Testing.Influx;

namespace Twin.Storage.Tests.Influx;

/// <summary>Line protocol, spool and writer against the real InfluxDB 1.x.</summary>
[Collection(InfluxCollection.Name)]
public class RealInfluxTests(InfluxFixture influx)
{
    private static readonly InfluxWriterOptions Fast = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        ConfigurationErrorRetryDelay = TimeSpan.FromMilliseconds(300),
    };

    private InfluxServer Server => influx.Server;

    private static async Task<(PointSpool Spool, InfluxWriter Writer)> OpenAsync(string dir, InfluxEndpoint endpoint, LineProtocolOptions? lp = null)
    {
        var writer = new InfluxWriter(endpoint, Fast);
        var spool = PointSpool.Open(new SpoolOptions
        {
            Directory = dir, FlushInterval = TimeSpan.FromMilliseconds(20), LineProtocol = lp ?? LineProtocolOptions.Default,
        }, writer);
        await spool.StartAsync();
        return (spool, writer);
    }

    public static IEnumerable<string> TrickyNames =>
    [
        "plain",
        "with space",
        "comma,inside",
        "equals=sign",
        "double \"quotes\"",
        "single 'quotes'",
        "back\\slash",
        "double\\\\backslash",
        "tab\tchar",
        "ünïcödé ß € 中文",
        "emoji 🚀🔋⚡️",
        "non-BMP 𝄞 𠜎 \U0001F9EA",
        "all , = \" \\x 🚀 mixed",
    ];

    [Fact]
    public async Task Tricky_names_and_values_round_trip_exactly()
    {
        string db = await influx.NewDatabaseAsync("tricky");
        using var dir = new TempDir();
        var names = TrickyNames.ToList();
        var points = new List<LinePoint>();
        for (int i = 0; i < names.Count; i++)
        {
            string n = names[i];
            points.Add(new LinePoint("m " + n,
                [new("tag " + n, "value " + n), new("site", "s")],
                [LineField.String("field " + n, "string " + n + " \\ \" end\\"), LineField.Float("x", i + 0.25)],
                Points.BaseNs + i));
        }
        // Numbers at the edges of their types.
        points.Add(new LinePoint("numbers", [
            LineField.Float("max", double.MaxValue), LineField.Float("min", -double.MaxValue), LineField.Float("eps", double.Epsilon),
            LineField.Float("third", 1.0 / 3.0), LineField.Float("negzero", -0.0), LineField.Float("big", 1e300),
            LineField.Integer("imax", long.MaxValue), LineField.Integer("imin", long.MinValue + 1),
            LineField.Boolean("yes", true), LineField.Boolean("no", false), LineField.String("empty", ""),
        ], Points.BaseNs));

        var (spool, writer) = await OpenAsync(dir.Path, InfluxEndpoint.V1(Server.BaseUri, db));
        await using (spool)
        using (writer)
        {
            await spool.WriteAsync(points);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, spool.GetMetrics().QuarantinedLines);
        }

        var measurements = (await Server.QueryRowsAsync("SHOW MEASUREMENTS", db)).Select(r => r.GetString("name")!).ToHashSet();
        Assert.Equal(points.Select(p => p.Measurement).ToHashSet(), measurements);

        var series = await Server.QueryAsync("SELECT * FROM /.*/ GROUP BY *", db);
        foreach (var p in points.Take(names.Count))
        {
            var s = Assert.Single(series, s => s.Name == p.Measurement);
            var tagKeys = (await Server.QueryRowsAsync($"SHOW TAG KEYS FROM {InfluxServer.QuoteIdentifier(p.Measurement)}", db)).Select(r => r.GetString("tagKey"));
            Assert.Equal(p.Tags.Select(t => t.Key).Order(StringComparer.Ordinal), tagKeys.Order(StringComparer.Ordinal));
            // GROUP BY * over several measurements lists every tag key, empty where a series has none.
            Assert.Equal(p.Tags.ToDictionary(t => t.Key, t => t.Value), s.Tags.Where(t => t.Value.Length > 0).ToDictionary());
            var row = Assert.Single(s.Rows());
            Assert.Equal(p.TimestampNs, row.TimeNs);
            foreach (var f in p.Fields)
            {
                var v = row.Values[f.Key];
                if (f.Type == LineFieldType.String)
                {
                    Assert.Equal(f.StringValue, v.GetString());
                }
                else
                {
                    Assert.Equal(f.FloatValue, v.GetDouble());
                }
            }
        }

        var numbers = Assert.Single(series, s => s.Name == "numbers").Rows().Single();
        Assert.Equal(double.MaxValue, numbers.GetDouble("max"));
        Assert.Equal(-double.MaxValue, numbers.GetDouble("min"));
        Assert.Equal(double.Epsilon, numbers.GetDouble("eps"));
        Assert.Equal(1.0 / 3.0, numbers.GetDouble("third"));
        Assert.Equal(1e300, numbers.GetDouble("big"));
        Assert.Equal(long.MaxValue, numbers.GetInt64("imax"));
        Assert.Equal(long.MinValue + 1, numbers.GetInt64("imin"));
        Assert.Equal(JsonValueKind.True, numbers.Values["yes"].ValueKind);
        Assert.Equal(JsonValueKind.False, numbers.Values["no"].ValueKind);
        Assert.Equal("", numbers.GetString("empty"));
        var fieldTypes = (await Server.QueryRowsAsync("SHOW FIELD KEYS FROM numbers", db)).ToDictionary(r => r.GetString("fieldKey")!, r => r.GetString("fieldType"));
        Assert.Equal("float", fieldTypes["max"]);
        Assert.Equal("integer", fieldTypes["imax"]);
        Assert.Equal("boolean", fieldTypes["yes"]);
        Assert.Equal("string", fieldTypes["empty"]);
    }

    [Theory]
    [InlineData(TimestampPrecision.Microseconds, 1_700_000_000_123_456_000L)]
    [InlineData(TimestampPrecision.Milliseconds, 1_700_000_000_123_000_000L)]
    [InlineData(TimestampPrecision.Seconds, 1_700_000_000_000_000_000L)]
    public async Task Coarser_precisions_are_announced_and_stored_right(TimestampPrecision precision, long stored)
    {
        string db = await influx.NewDatabaseAsync("precision");
        using var dir = new TempDir();
        var (spool, writer) = await OpenAsync(dir.Path, InfluxEndpoint.V1(Server.BaseUri, db), new LineProtocolOptions { Precision = precision });
        await using (spool)
        using (writer)
        {
            await spool.WriteAsync([Points.Telemetry("c1", 1, 1_700_000_000_123_456_789)]);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        var row = Assert.Single(await Server.QueryRowsAsync("SELECT * FROM telemetry", db));
        Assert.Equal(stored, row.TimeNs);
    }

    [Fact]
    public async Task A_field_type_conflict_is_quarantined_with_the_reason_and_later_batches_are_delivered()
    {
        string db = await influx.NewDatabaseAsync("conflict");
        using var dir = new TempDir();
        var (spool, writer) = await OpenAsync(dir.Path, InfluxEndpoint.V1(Server.BaseUri, db));
        await using (spool)
        using (writer)
        {
            await spool.WriteAsync(Points.Range("c1", 0, 10));
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

            // seq is an integer field; one point in the next batch writes it as a string.
            var batch = Points.Range("c1", 10, 100);
            batch[42] = LinePoint.Builder("telemetry").Tag("site", "s").Tag("cell", "c1").Tag("material", "NMC811")
                .Field("seq", "fifty-two").Timestamp(Points.BaseNs + 52 * 1_000_000).Build();
            await spool.WriteAsync(batch);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await spool.WriteAsync(Points.Range("c1", 110, 10));
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

            var m = spool.GetMetrics();
            Assert.Equal(1, m.QuarantinedLines);
            Assert.Equal(0, m.PendingRecords);
            string quarantine = await File.ReadAllTextAsync(spool.QuarantinePath);
            Assert.Contains("field type conflict", quarantine, StringComparison.Ordinal);
            Assert.Contains("HTTP 400", quarantine, StringComparison.Ordinal);
            var bad = Assert.Single(LineProtocolParser.Parse(quarantine));
            Assert.Equal("fifty-two", bad.GetField("seq")!.Value.StringValue);
        }
        var seqs = (await Server.QueryRowsAsync("SELECT seq FROM telemetry", db)).Select(r => r.GetInt64("seq")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 120).Where(i => i != 52).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task A_missing_database_is_a_configuration_error_until_it_is_created()
    {
        string db = "created_late_" + Guid.NewGuid().ToString("N")[..6];
        using var dir = new TempDir();
        var (spool, writer) = await OpenAsync(dir.Path, InfluxEndpoint.V1(Server.BaseUri, db));
        await using (spool)
        using (writer)
        {
            var raised = new TaskCompletionSource<SpoolAlarm>(TaskCreationOptions.RunContinuationsAsynchronously);
            spool.AlarmChanged += (_, a) =>
            {
                if (a.Kind == SpoolAlarmKind.WriterConfiguration && a.Active)
                {
                    raised.TrySetResult(a);
                }
            };
            await spool.WriteAsync(Points.Range("c1", 0, 20));
            var alarm = await raised.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("404", alarm.Message, StringComparison.Ordinal);
            Assert.Contains("database not found", alarm.Message, StringComparison.Ordinal);
            Assert.Equal(20, spool.GetMetrics().PendingRecords);

            await Server.CreateDatabaseAsync(db);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Empty(spool.ActiveAlarms);
        }
        Assert.Equal(20, (await Server.QueryRowsAsync("SELECT seq FROM telemetry", db)).Count);
    }

    [Fact]
    public async Task After_a_crash_everything_before_the_torn_record_is_drained_and_nothing_after_it_is_invented()
    {
        string db = await influx.NewDatabaseAsync("crash");
        using var dir = new TempDir();
        // Phase 1: the database is unreachable (wrong port), so everything stays in the spool; then the process "dies".
        var nowhere = InfluxEndpoint.V1(new Uri("http://127.0.0.1:9/"), db);
        var (spool, writer) = await OpenAsync(dir.Path, nowhere);
        for (int i = 0; i < 50; i++)
        {
            await spool.WriteAsync(Points.Range("c1", i * 20, 20));
        }
        spool.SimulateCrash();
        writer.Dispose();
        string segment = Directory.GetFiles(dir.Path, "*.seg").Single();
        using (var fs = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.SetLength(fs.Length - 40); // the last record is torn mid-write
        }

        // Phase 2: restart against the real database.
        (spool, writer) = await OpenAsync(dir.Path, InfluxEndpoint.V1(Server.BaseUri, db));
        await using (spool)
        using (writer)
        {
            Assert.Contains("torn record", Assert.Single(spool.RecoveryNotes), StringComparison.Ordinal);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(999, spool.GetMetrics().PointsWritten);
        }
        var seqs = (await Server.QueryRowsAsync("SELECT seq FROM telemetry", db)).Select(r => r.GetInt64("seq")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 999).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task A_huge_line_the_database_refuses_and_echoes_is_quarantined_alone_and_the_points_around_it_are_delivered()
    {
        // A 15 MiB tag value (a telemetry message with a 15 MB instrument name): InfluxDB refuses the series key and
        // echoes the whole line in its 400 answer.
        string db = await influx.NewDatabaseAsync("huge");
        using var dir = new TempDir();
        var huge = new LinePoint("telemetry", [new("cell", "c1"), new("instrument", new string('x', 15 << 20))], [LineField.Float("voltage_V", 3.9)], Points.BaseNs + 1);
        var (spool, writer) = await OpenAsync(dir.Path, InfluxEndpoint.V1(Server.BaseUri, db));
        await using (spool)
        using (writer)
        {
            await spool.WriteAsync([Points.Telemetry("c1", 0), huge, Points.Telemetry("c1", 2, Points.BaseNs + 2)]);
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var m = spool.GetMetrics();
            Assert.Equal(2, m.PointsWritten);
            Assert.Equal(1, m.QuarantinedLines);
        }
        var rows = await Server.QueryRowsAsync("SELECT seq FROM telemetry", db);
        Assert.Equal([0L, 2L], rows.Select(r => r.GetInt64("seq")!.Value));
        string[] quarantine = File.ReadAllLines(Path.Combine(dir.Path, "quarantine.lp"));
        Assert.StartsWith("# ", quarantine[0], StringComparison.Ordinal);
        Assert.Contains("unable to parse", quarantine[0], StringComparison.Ordinal);
        Assert.True(quarantine[0].Length < 2200, $"reason line of {quarantine[0].Length} characters");
        Assert.Equal(huge.ToString(), quarantine[^1]);
    }
}
