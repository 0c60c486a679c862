using Microsoft.AspNetCore.Http;
using System.Text;
using Polly.CircuitBreaker;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Storage.Tests.Support;

namespace Twin.Storage.Tests.Influx;

/// <summary>The HTTP writer against a loopback fake: request shapes of both APIs, Retry-After, retries, circuit breaker.</summary>
public class InfluxWriterFakeTests
{
    private static readonly InfluxWriterOptions Fast = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(100),
        ConfigurationErrorRetryDelay = TimeSpan.FromMilliseconds(200),
        CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
        CircuitMinimumThroughput = 3,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    private static byte[] Lines(int count) =>
        Encoding.UTF8.GetBytes(new LineProtocolEncoder().EncodeToString(Points.Range("c1", 0, count)));

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retry_after_is_honoured(int status)
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (_, n) => n == 1
            ? (status, "{\"code\":\"too many requests\",\"message\":\"slow down\"}", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : (204, null, null);
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        var result = await writer.WriteAsync(Lines(3), 3, TimestampPrecision.Nanoseconds, CancellationToken.None);

        Assert.True(result.Written);
        var requests = fake.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var gap = requests[1].At - requests[0].At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"second attempt after {gap.TotalMilliseconds:0} ms, Retry-After was 1 s");
        Assert.True(gap < TimeSpan.FromSeconds(5), $"second attempt after {gap.TotalMilliseconds:0} ms");
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(1, writer.Status.Retries);
        Assert.Null(writer.Status.LastError);
    }

    [Fact]
    public async Task V2_requests_carry_org_bucket_precision_token_and_gzip()
    {
        await using var fake = await FakeInflux.StartAsync();
        using var writer = new InfluxWriter(InfluxEndpoint.Parse($"{fake.BaseUri}api/v2/write?org=my lab&bucket=twin", token: "s3cr3t=="), Fast);
        byte[] body = Lines(50);
        Assert.True(body.Length > 1024);

        var result = await writer.WriteAsync(body, 50, TimestampPrecision.Microseconds, CancellationToken.None);

        Assert.True(result.Written);
        var r = Assert.Single(fake.Requests);
        Assert.Equal("POST", r.Method);
        Assert.Equal("/api/v2/write", r.Path);
        Assert.Equal("my lab", r.Query["org"]);
        Assert.Equal("twin", r.Query["bucket"]);
        Assert.Equal("us", r.Query["precision"]);
        Assert.Equal(3, r.Query.Count);
        Assert.Equal("Token s3cr3t==", r.Headers["Authorization"]);
        Assert.Equal("gzip", r.Headers["Content-Encoding"]);
        Assert.Equal("text/plain; charset=utf-8", r.Headers["Content-Type"]);
        Assert.Equal(Encoding.UTF8.GetString(body), r.Body);
    }

    [Fact]
    public async Task V1_requests_carry_db_rp_precision_and_basic_auth_and_small_bodies_go_uncompressed()
    {
        await using var fake = await FakeInflux.StartAsync();
        var endpoint = InfluxEndpoint.FromOptions(new InfluxOptions
        {
            Url = fake.BaseUri.ToString(), Database = "twin db", RetentionPolicy = "autogen", Username = "op", Password = "pw",
        });
        using var writer = new InfluxWriter(endpoint, Fast);
        var result = await writer.WriteAsync(Lines(1), 1, TimestampPrecision.Milliseconds, CancellationToken.None);

        Assert.True(result.Written);
        var r = Assert.Single(fake.Requests);
        Assert.Equal("/write", r.Path);
        Assert.Equal("twin db", r.Query["db"]);
        Assert.Equal("autogen", r.Query["rp"]);
        Assert.Equal("ms", r.Query["precision"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("op:pw")), r.Headers["Authorization"]);
        Assert.False(r.Headers.ContainsKey("Content-Encoding"));
        Assert.Equal(Encoding.UTF8.GetString(Lines(1)), r.Body);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_circuit_opens_then_closes()
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (_, n) => n <= 6 ? (500, "{\"error\":\"engine: cache maximum memory size exceeded\"}", null) : (204, null, null);
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        var states = new List<CircuitState>();
        writer.StatusChanged += (_, s) => { lock (states) { states.Add(s.Circuit); } };

        var result = await writer.WriteAsync(Lines(2), 2, TimestampPrecision.Nanoseconds, CancellationToken.None);

        Assert.True(result.Written);
        Assert.Equal(7, fake.Requests.Count);
        Assert.True(writer.Status.Retries >= 6);
        Assert.Contains(CircuitState.Open, states);
        Assert.Equal(CircuitState.Closed, states[^1]);
        Assert.Equal(CircuitState.Closed, writer.Status.Circuit);
    }

    [Fact]
    public async Task Network_errors_are_retried_until_cancelled_and_reported()
    {
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        using var writer = new InfluxWriter(InfluxEndpoint.V1(new Uri($"http://127.0.0.1:{port}"), "twin"), Fast);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(Lines(1), 1, TimestampPrecision.Nanoseconds, cts.Token).AsTask());
        Assert.True(writer.Status.Retries >= 3);
        Assert.Contains("unreachable", writer.Status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_data_is_returned_as_rejected_without_retry()
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (_, _) => (400, "{\"error\":\"unable to parse 'x': missing fields\"}", null);
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        var result = await writer.WriteAsync(Lines(1), 1, TimestampPrecision.Nanoseconds, CancellationToken.None);
        Assert.True(result.Rejected);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal("unable to parse 'x': missing fields", result.Reason);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Only_the_start_of_an_error_answer_is_read_however_long_it_is()
    {
        // InfluxDB echoes a line it cannot parse; this answer never ends, so reading it all would never finish.
        await using var fake = await FakeInflux.StartAsync();
        fake.RespondRaw = async response =>
        {
            response.StatusCode = 400;
            response.ContentType = "application/json";
            await response.WriteAsync("{\"error\":\"unable to parse 'm,cell=");
            var chunk = new string('x', 64 * 1024);
            while (!response.HttpContext.RequestAborted.IsCancellationRequested) await response.WriteAsync(chunk, response.HttpContext.RequestAborted);
        };
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast with { RequestTimeout = TimeSpan.FromMinutes(5) });
        var result = await writer.WriteAsync(Lines(1), 1, TimestampPrecision.Nanoseconds, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(result.Rejected);
        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("{\"error\":\"unable to parse 'm,cell=xxx", result.Reason, StringComparison.Ordinal);
        Assert.True(result.Reason!.Length <= Fast.MaxReasonLength + 1, $"reason of {result.Reason.Length} characters");
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Spool_isolates_refused_lines_quarantines_only_them_and_delivers_the_rest()
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (r, _) => r.Body.Contains("seq=37i", StringComparison.Ordinal) || r.Body.Contains("seq=80i", StringComparison.Ordinal)
            ? (400, "{\"error\":\"partial write: field type conflict: input field \\\"seq\\\" on measurement \\\"telemetry\\\" is type integer, already exists as type float dropped=1\"}", null)
            : (204, null, null);
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        var alarms = new List<SpoolAlarm>();
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir.Path, FlushInterval = TimeSpan.FromMilliseconds(50) }, writer);
        spool.AlarmChanged += (_, a) => { lock (alarms) { alarms.Add(a); } };
        await spool.StartAsync();

        await spool.WriteAsync(Points.Range("c1", 0, 100));
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await spool.WriteAsync(Points.Range("c1", 100, 10));
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var delivered = fake.Requests.Where(r => !r.Body.Contains("seq=37i", StringComparison.Ordinal) && !r.Body.Contains("seq=80i", StringComparison.Ordinal))
            .SelectMany(fake.BodyLines).Select(l => LineProtocolParser.ParseLine(Encoding.UTF8.GetBytes(l)).GetField("seq")!.Value.IntegerValue)
            .Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, 110).Where(i => i is not 37 and not 80).Select(i => (long)i), delivered);

        string quarantine = await File.ReadAllTextAsync(spool.QuarantinePath);
        var quarantined = LineProtocolParser.Parse(quarantine);
        Assert.Equal([37L, 80L], quarantined.Select(p => p.GetField("seq")!.Value.IntegerValue));
        Assert.Contains("HTTP 400: partial write: field type conflict", quarantine, StringComparison.Ordinal);
        var m = spool.GetMetrics();
        Assert.Equal(2, m.QuarantinedLines);
        Assert.Equal(108, m.PointsWritten);
        Assert.Equal(0, m.PendingRecords);
        Assert.Equal(2, alarms.Count(a => a.Kind == SpoolAlarmKind.Quarantined));
        Assert.True(fake.Requests.Count <= 2 + 2 * 2 * 7 + 1, $"{fake.Requests.Count} requests to isolate 2 lines in 100");
    }

    [Fact]
    public async Task Configuration_errors_raise_an_alarm_and_are_retried_slowly_never_dropped()
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (_, n) => n <= 3 ? (401, "{\"error\":\"authorization failed\"}", null) : (204, null, null);
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin", username: "op", password: "wrong"), Fast);
        var alarms = new List<SpoolAlarm>();
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir.Path, FlushInterval = TimeSpan.Zero }, writer);
        spool.AlarmChanged += (_, a) => { lock (alarms) { alarms.Add(a); } };
        await spool.StartAsync();

        await spool.WriteAsync(Points.Range("c1", 0, 5));
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, fake.Requests.Count);
        var requests = fake.Requests.ToArray();
        Assert.True(requests[3].At - requests[0].At >= TimeSpan.FromMilliseconds(550), "configuration errors are retried slowly");
        var raised = alarms.First(a => a.Kind == SpoolAlarmKind.WriterConfiguration);
        Assert.True(raised.Active);
        Assert.Contains("401", raised.Message, StringComparison.Ordinal);
        Assert.Contains("credentials", raised.Message, StringComparison.Ordinal);
        Assert.Contains(alarms, a => a.Kind == SpoolAlarmKind.WriterConfiguration && !a.Active);
        Assert.Empty(spool.ActiveAlarms);
        Assert.Equal(5, spool.GetMetrics().PointsWritten);
    }

    [Fact]
    public async Task Too_large_requests_are_split()
    {
        await using var fake = await FakeInflux.StartAsync();
        fake.Respond = (r, _) => r.Body.Length > 3000 ? (413, "{\"error\":\"Request Entity Too Large\"}", null) : (204, null, null);
        using var dir = new TempDir();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(fake.BaseUri, "twin"), Fast);
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir.Path, FlushInterval = TimeSpan.Zero }, writer);
        await spool.StartAsync();
        await spool.WriteAsync(Points.Range("c1", 0, 100));
        await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(100, spool.GetMetrics().PointsWritten);
        Assert.Equal(0, spool.GetMetrics().QuarantinedLines);
    }
}
