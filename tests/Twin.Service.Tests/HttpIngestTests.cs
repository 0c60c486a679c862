using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Storage.Spool;
using Twin.Testing;

namespace Twin.Service.Tests;

/// <summary>
/// <c>POST /api/cells/{id}/telemetry</c> against the service on its embedded default behind real Kestrel on loopback:
/// the poisoning attack of the issue, extreme values, the size limit, the in-flight budget, and a full spool and a
/// full disk (a real tmpfs) — every sample answered 202 is in the spool exactly once.
/// </summary>
public sealed class HttpIngestTests : IAsyncLifetime
{
    private const string Cell = "lg-m50";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-http-" + Guid.NewGuid().ToString("N"));
    private string _config = "";
    private string? _mount;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(_config, "site: lab\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("lg-m50"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_mount is not null) await RunAsync("umount", "--lazy", _mount);
        Directory.Delete(_dir, true);
    }

    private string DataDir => _mount ?? Path.Combine(_dir, "data");

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(long spoolMaxBytes = 1L << 30)
    {
        var app = TwinServer.Build(new ServeOptions(_config, DataDir, "http://127.0.0.1:0") { SpoolMaxBytes = spoolMaxBytes },
            l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var http = TestApi.Client(app);
        http.Timeout = TimeSpan.FromSeconds(100);
        return (app, http);
    }

    private static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static StringContent Json(IEnumerable<TelemetrySample> samples) =>
        new(Encoding.UTF8.GetString(TwinPayloads.Serialize(new TelemetryMessage { Instrument = "maccor", Samples = [.. samples] })), Encoding.UTF8, "application/json");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, HttpContent body) => http.PostAsync($"/api/cells/{Cell}/telemetry", body);

    private static async Task<JsonElement> DetailAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>($"/api/cells/{Cell}");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static double ReplayFinalCLi(int count)
    {
        var twin = new CellTwin(CellConfig.WithDefaults(Cell, MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
        using var reader = CyclerFileReader.Open(EmbeddedServiceTests.RepoFile("lg-m50-nmc811-maccor.txt"));
        double cLi = double.NaN;
        foreach (var s in reader.Take(count)) cLi = twin.Update(s).CLi;
        return cLi;
    }

    [Fact]
    public async Task The_poisoning_attack_is_rejected_visibly_and_c_li_keeps_following_the_driver()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        int half = wire.Count / 2 / 50 * 50;
        var (app, http) = await StartAsync();
        try
        {
            foreach (var chunk in wire.Take(half).Chunk(50))
            {
                var r = await PostAsync(http, Json(chunk));
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
                Assert.Equal(50, (await BodyAsync(r)).GetProperty("stored").GetInt32());
            }
            // The attack of the issue: a huge seq, zero current, a new counter segment. Sent as text/plain (what a page of
            // another origin can post) it is refused before it is read; sent as JSON with a valid token (a compromised or
            // buggy instrument) it reaches the sequence window, which rejects it.
            long t = wire[half - 1].TimeUnixNs + 1;
            string poison = $$"""{"schema":1,"samples":[{"seq":9223372036854775807,"time_unix_ns":{{t}},"voltage_V":3.7,"current_A":0,"charge_Ah":0,"counter_segment":7,"kind":"rest"}]}""";
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(http, new StringContent(poison, Encoding.UTF8, "text/plain"))).StatusCode);
            var rogue = await PostAsync(http, Json(poison));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rogue.StatusCode);
            var answer = await BodyAsync(rogue);
            Assert.Equal((0, 0, 1), (answer.GetProperty("stored").GetInt32(), answer.GetProperty("duplicates").GetInt32(), answer.GetProperty("rejected").GetInt32()));
            Assert.Equal("seq_ahead", answer.GetProperty("rejections")[0].GetProperty("reason").GetString());

            foreach (var chunk in wire.Skip(half).Chunk(50))
            {
                var r = await PostAsync(http, Json(chunk));
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
                Assert.Equal(chunk.Length, (await BodyAsync(r)).GetProperty("stored").GetInt32());
            }
            var detail = await DetailAsync(http);
            Assert.Equal(ReplayFinalCLi(wire.Count), detail.GetProperty("summary").GetProperty("c_li").GetDouble());
            var seq = detail.GetProperty("sequence");
            Assert.Equal((wire.Count - 1L, (long)wire.Count, 0L, 1L), (seq.GetProperty("last_seq").GetInt64(), seq.GetProperty("accepted").GetInt64(),
                seq.GetProperty("duplicates").GetInt64(), seq.GetProperty("rejected").GetInt64()));
            var rejected = detail.GetProperty("rejected");
            Assert.Equal(1, rejected.GetProperty("samples_by_reason").GetProperty("seq_ahead").GetInt64());
            Assert.Contains("9223372036854775807", rejected.GetProperty("last").GetProperty("detail").GetString());
            string metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("twin_cell_rejected_samples_total{site=\"lab\",cell=\"lg-m50\",reason=\"seq_ahead\"} 1\n", metrics);
            Assert.Contains("twin_rejected_samples_total 1\n", metrics);
        }
        finally
        {
            await StopAsync(app);
        }
    }

    [Fact]
    public async Task The_largest_seq_is_rejected_and_stays_harmless_across_a_restart()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, http) = await StartAsync();
        try
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(http, Json(wire.Take(100)))).StatusCode);
            var poison = await PostAsync(http, Json([wire[100] with { Seq = long.MaxValue }]));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, poison.StatusCode);
            await StopAsync(app);
            (app, http) = await StartAsync();
            var detail = await DetailAsync(http);
            Assert.Equal(1, detail.GetProperty("rejected").GetProperty("samples_by_reason").GetProperty("seq_ahead").GetInt64());
            var r = await PostAsync(http, Json(wire.Skip(100).Take(100)));
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            Assert.Equal(100, (await BodyAsync(r)).GetProperty("stored").GetInt32());
            Assert.Equal(199, (await DetailAsync(http)).GetProperty("sequence").GetProperty("last_seq").GetInt64());
        }
        finally
        {
            await StopAsync(app);
        }
    }

    [Theory]
    [InlineData("\"charge_Ah\":1e300", "charge_Ah = 1E+300 is outside the plausible range ±87.32 A·h")]
    [InlineData("\"charge_Ah\":\"NaN\"", "not a valid TelemetryMessage JSON payload")]
    [InlineData("\"charge_Ah\":1e999", "charge_Ah must be a finite number")]
    [InlineData("\"temperature_C\":-1e300", "temperature_C = -1E+300 is outside the plausible range [-100, 1000] °C")]
    public async Task Extreme_and_non_numeric_values_are_refused_whole_with_the_field_named_and_counted(string field, string expected)
    {
        var (app, http) = await StartAsync();
        try
        {
            var wire = EmbeddedServiceTests.LgM50Wire();
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(http, Json(wire.Take(10)))).StatusCode);
            var bad = await PostAsync(http, Json(
                $$"""{"schema":1,"samples":[{"seq":10,"time_unix_ns":{{wire[10].TimeUnixNs}},"voltage_V":3.5,"current_A":1},{"seq":11,"time_unix_ns":{{wire[11].TimeUnixNs}},"voltage_V":3.5,"current_A":1,{{field}}}]}"""));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(expected, (await BodyAsync(bad)).GetProperty("detail").GetString());
            var detail = await DetailAsync(http);
            Assert.Equal(9, detail.GetProperty("sequence").GetProperty("last_seq").GetInt64()); // nothing of the message applied
            Assert.Equal(1, detail.GetProperty("rejected").GetProperty("messages_by_reason").GetProperty("invalid").GetInt64());
            Assert.Contains("twin_cell_rejected_messages_total{site=\"lab\",cell=\"lg-m50\",reason=\"invalid\"} 1\n", await http.GetStringAsync("/metrics"));
            // The service is unharmed: the next samples are stored.
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(http, Json(wire.Skip(10).Take(10)))).StatusCode);
        }
        finally
        {
            await StopAsync(app);
        }
    }

    [Fact]
    public async Task A_body_over_4_MiB_is_refused_with_413_declared_or_streamed_and_counted()
    {
        var (app, http) = await StartAsync();
        try
        {
            var declared = new ByteArrayContent(new byte[TelemetryBounds.MaxPayloadBytes + 1]);
            declared.Headers.ContentType = new("application/json");
            var r1 = await PostAsync(http, declared);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r1.StatusCode);
            Assert.Contains("at most 4,194,304 bytes expected", (await BodyAsync(r1)).GetProperty("detail").GetString());
            var streamed = new StreamContent(new UnknownLengthStream(TelemetryBounds.MaxPayloadBytes + 100_000));
            streamed.Headers.ContentType = new("application/json");
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(http, streamed)).StatusCode);
            var detail = await DetailAsync(http);
            Assert.Equal(2, detail.GetProperty("rejected").GetProperty("messages_by_reason").GetProperty("too_large").GetInt64());
            Assert.Contains("twin_telemetry_too_large_total 2\n", await http.GetStringAsync("/metrics"));
        }
        finally
        {
            await StopAsync(app);
        }
    }

    [Fact]
    public async Task Requests_past_the_in_flight_budget_get_503_with_retry_after_instead_of_being_buffered()
    {
        var (app, http) = await StartAsync();
        var uploads = new List<StalledUpload>();
        try
        {
            // Four uploads announcing 4 MiB each take the whole 16 MiB budget; they send their message and then only a
            // trickle of padding. They all carry the first sample, as does the probe: whichever is stored first, the
            // others are true duplicates.
            var wire = EmbeddedServiceTests.LgM50Wire();
            byte[] first = TwinPayloads.Serialize(new TelemetryMessage { Samples = [wire[0]] });
            var uri = new Uri(app.Urls.First());
            for (int i = 0; i < 4; i++) uploads.Add(await StalledUpload.StartAsync(uri, $"/api/cells/{Cell}/telemetry", first, TelemetryBounds.MaxPayloadBytes));
            // Their bytes are on the wire; the service takes them up when it gets to them — a probe sent before that would
            // reserve first and one upload would be the one refused.
            await Wait.UntilAsync(async () => (await http.GetStringAsync("/metrics")).Contains($"twin_http_telemetry_in_flight_bytes {4 * TelemetryBounds.MaxPayloadBytes}\n", StringComparison.Ordinal),
                "the four uploads to hold the whole budget", observed: () => http.GetStringAsync("/metrics").Result.Split('\n').FirstOrDefault(l => l.StartsWith("twin_http_telemetry_in_flight_bytes ", StringComparison.Ordinal)) ?? "no gauge");
            var busy = await Wait.ForAsync(() => PostAsync(http, Json(wire.Take(1))), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
                "a small request to be refused while the budget is spent");
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
            Assert.Contains("in flight", (await BodyAsync(busy)).GetProperty("detail").GetString());
            foreach (var u in uploads) Assert.StartsWith("HTTP/1.1 202", await u.FinishAsync());
            Assert.DoesNotContain("twin_http_telemetry_busy_total 0\n", await http.GetStringAsync("/metrics"));
            // With the budget back, requests are served again.
            var after = await PostAsync(http, Json(wire.Skip(1).Take(10)));
            Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        }
        finally
        {
            foreach (var u in uploads) u.Dispose();
            await StopAsync(app);
        }
    }

    [Fact]
    public async Task A_full_spool_answers_503_with_retry_after_and_every_sample_answered_202_is_stored_exactly_once()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, http) = await StartAsync(spoolMaxBytes: 256 * 1024);
        var acked = new List<long>();
        HttpResponseMessage? refused = null;
        try
        {
            foreach (var chunk in wire.Chunk(20))
            {
                var r = await PostAsync(http, Json(chunk));
                if (r.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    refused = r;
                    break;
                }
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
                Assert.Equal(chunk.Length, (await BodyAsync(r)).GetProperty("stored").GetInt32());
                acked.AddRange(chunk.Select(s => s.Seq));
            }
            Assert.NotNull(refused);
            Assert.Equal("10", refused.Headers.GetValues("Retry-After").Single());
            Assert.Contains("is full", (await BodyAsync(refused)).GetProperty("detail").GetString());
            // The refused samples were not kept: the cell stands at the last 202.
            Assert.Equal(acked[^1], (await DetailAsync(http)).GetProperty("sequence").GetProperty("last_seq").GetInt64());
        }
        finally
        {
            await StopAsync(app);
        }
        AssertStoredExactlyOnce(acked);
    }

    [Fact]
    public async Task A_full_disk_answers_503_and_every_sample_answered_202_is_stored_exactly_once()
    {
        _mount = Path.Combine(_dir, "tmpfs");
        Directory.CreateDirectory(_mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=19m", "tmpfs", _mount);
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, http) = await StartAsync();
        var acked = new List<long>();
        HttpResponseMessage? refused = null;
        long[] refusedSeqs = [];
        try
        {
            foreach (var chunk in wire.Chunk(20))
            {
                var r = await PostAsync(http, Json(chunk));
                if (r.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    refused = r;
                    refusedSeqs = [.. chunk.Select(s => s.Seq)];
                    break;
                }
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
                acked.AddRange(chunk.Select(s => s.Seq));
            }
            Assert.NotNull(refused);
            Assert.True(refused.Headers.Contains("Retry-After"));
            Assert.NotEmpty(acked);
            // A retry of the refused request never stores a sample twice.
            var retry = await PostAsync(http, Json(wire.Where(s => refusedSeqs.Contains(s.Seq))));
            Assert.Contains(retry.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.Accepted });
        }
        finally
        {
            await StopAsync(app);
        }
        AssertStoredExactlyOnce(acked, refusedSeqs);
    }

    /// <summary>
    /// Reads the spool on disk: every acknowledged sequence number is there exactly once, and nothing else is — except
    /// samples of the refused request itself when the disk filled between the spool and the cell's checkpoint
    /// (stored but not acknowledged; a retry finds them as duplicates).
    /// </summary>
    private void AssertStoredExactlyOnce(List<long> acked, IReadOnlyCollection<long>? refused = null)
    {
        var seqs = SpoolReader.ReadPoints(Path.Combine(DataDir, "spool")).Where(p => p.Measurement == "telemetry")
            .Select(p => p.Fields.Single(f => f.Key == "seq").IntegerValue).ToList();
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        var extra = seqs.Except(acked).ToList();
        Assert.Empty(acked.Except(seqs));
        Assert.All(extra, s => Assert.Contains(s, refused ?? []));
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
    }

    /// <summary>A body of the given length that does not say its length (sent chunked).</summary>
    private sealed class UnknownLengthStream(long length) : Stream
    {
        private long _left = length;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, _left);
            Array.Fill(buffer, (byte)' ', offset, n);
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// An HTTP/1.1 upload over a raw socket: headers announcing <c>length</c> bytes, the JSON message, then spaces trickled
    /// (fast enough for Kestrel's minimum body data rate) until <see cref="FinishAsync"/> sends the rest.
    /// </summary>
    private sealed class StalledUpload : IDisposable
    {
        private readonly System.Net.Sockets.TcpClient _tcp;
        private readonly Stream _stream;
        private readonly long _length;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _trickle;
        private long _sent;

        private StalledUpload(System.Net.Sockets.TcpClient tcp, long length)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _length = length;
            _trickle = Task.Run(TrickleAsync);
        }

        public static async Task<StalledUpload> StartAsync(Uri server, string path, byte[] json, long length)
        {
            var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port);
            var head = Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nAuthorization: Bearer {TestApi.Instrument.Token}\r\nContent-Length: {length}\r\n\r\n");
            var u = new StalledUpload(tcp, length);
            await u.WriteAsync(head, counts: false);
            await u.WriteAsync(json, counts: true);
            return u;
        }

        private readonly SemaphoreSlim _write = new(1, 1);

        private async Task WriteAsync(byte[] bytes, bool counts)
        {
            await _write.WaitAsync();
            try
            {
                await _stream.WriteAsync(bytes);
                await _stream.FlushAsync();
                if (counts) _sent += bytes.Length;
            }
            finally
            {
                _write.Release();
            }
        }

        private async Task TrickleAsync()
        {
            var pad = new byte[1024];
            Array.Fill(pad, (byte)' ');
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token) && _sent + 2 * pad.Length < _length) await WriteAsync(pad, counts: true);
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Sends the rest of the body and returns the status line of the answer.</summary>
        public async Task<string> FinishAsync()
        {
            _stop.Cancel();
            await _trickle;
            var pad = new byte[64 << 10];
            Array.Fill(pad, (byte)' ');
            for (long left = _length - _sent; left > 0; left -= pad.Length)
                await _stream.WriteAsync(pad.AsMemory(0, (int)Math.Min(pad.Length, left)));
            await _stream.FlushAsync();
            using var reader = new StreamReader(_stream, Encoding.ASCII, leaveOpen: true);
            return await reader.ReadLineAsync() ?? "";
        }

        public void Dispose()
        {
            _stop.Cancel();
            _tcp.Dispose();
        }
    }
}
