using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Testing.Influx;
using Twin.Testing.Mosquitto;

namespace Twin.Benchmarks.Live;

/// <summary>
/// Sustained load through the real live path: a real Mosquitto and a real InfluxDB on loopback, <c>twin serve</c>
/// (Release build) as its own process, N cells × f Hz of single-sample QoS 1 telemetry from this process, and a
/// subscriber to every cell's state measuring publish → state latency. At the end: every sample applied (REST),
/// every sample in InfluxDB, the service's peak resident memory.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project tests/Twin.Benchmarks -- live [cells] [hz] [seconds]</c> (default 1000 10 300);
/// <c>-- live-ramp [cells] [seconds-per-step]</c> steps the rate up until the service falls behind. Arguments after a
/// <c>--serve</c> go to <c>twin serve</c> as they are (e.g. <c>--serve --nexus none</c>).
/// </remarks>
internal static class LiveLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        int cells = Arg(args, 1, 1000), hz = Arg(args, 2, 10), seconds = Arg(args, 3, 300);
        var r = await RunOnceAsync(cells, hz, seconds, verifyInflux: true, ServeArgs(args));
        Console.WriteLine(r.Table());
        Console.WriteLine(r.ServiceCosts());
        bool ok = r.Lost == 0 && r.InfluxMissing == 0 && r.P99Ms <= 50 && r.PeakRssMiB <= 300;
        Console.WriteLine(ok ? "PASS: zero loss, p99 ≤ 50 ms, RSS ≤ 300 MiB" : "FAIL");
        return ok ? 0 : 1;
    }

    public static async Task<int> RampAsync(string[] args)
    {
        int cells = Arg(args, 1, 1000), seconds = Arg(args, 2, 30);
        var results = new List<Result>();
        foreach (int hz in new[] { 10, 11, 12, 13, 14, 15, 20, 25, 30 })
        {
            var r = await RunOnceAsync(cells, hz, seconds, verifyInflux: false, ServeArgs(args));
            results.Add(r);
            Console.WriteLine(r.Table());
            if (r.Lost > 0 || r.P99Ms > 50 || r.AchievedRate < 0.97 * cells * hz) break;
        }
        var best = results.Where(r => r.Lost == 0 && r.P99Ms <= 50 && r.AchievedRate >= 0.97 * r.TargetRate).MaxBy(r => r.TargetRate);
        Console.WriteLine(best is null ? "no step sustained" : string.Create(CultureInfo.InvariantCulture, $"highest sustained: {best.TargetRate:N0} samples/s (p99 {best.P99Ms:0.0} ms)"));
        return 0;
    }

    /// <summary>Seconds of load before measuring.</summary>
    public const int WarmupSeconds = 30;

    private static int Arg(string[] args, int i, int fallback) => args.Length > i && int.TryParse(args[i], out int v) ? v : fallback;

    /// <summary>The arguments after <c>--serve</c>, for <c>twin serve</c>.</summary>
    private static string[] ServeArgs(string[] args) => args.SkipWhile(a => a != "--serve").Skip(1).ToArray();

    internal sealed record Result(int Cells, int Hz, int Seconds, double TargetRate, double AchievedRate, long Published, long StatesSeen, long Lost,
        double P50Ms, double P99Ms, double MaxMs, double PeakRssMiB, long InfluxMissing, string ServiceMetrics)
    {
        public string Table() => string.Create(CultureInfo.InvariantCulture,
            $"| {Cells} cells × {Hz} Hz, {Seconds} s | target {TargetRate:N0}/s | achieved {AchievedRate:N0}/s | published {Published:N0} | lost {Lost} | " +
            $"latency p50 {P50Ms:0.0} ms, p99 {P99Ms:0.0} ms, max {MaxMs:0.0} ms | service peak RSS {PeakRssMiB:0} MiB | InfluxDB missing {InfluxMissing} |");

        /// <summary>The service's allocations and collections over the whole run (warm-up included), from its <c>/metrics</c>.</summary>
        public string ServiceCosts()
        {
            double Metric(string name) => ServiceMetrics.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault(double.NaN);
            double allocated = Metric("twin_gc_allocated_bytes_total");
            return string.Create(CultureInfo.InvariantCulture,
                $"service over the run: {allocated / Published:N0} bytes allocated per sample, {Metric("twin_gc_collections_gen0_total"):N0} gen0 and {Metric("twin_gc_collections_gen2_total"):N0} gen2 collections, {Metric("twin_checkpoint_flushes_total"):N0} checkpoint fsyncs");
        }
    }

    private static async Task<Result> RunOnceAsync(int cells, int hz, int seconds, bool verifyInflux, IReadOnlyList<string> serveArgs)
    {
        string root = BdfInMemory.FindRoot();
        string twinDll = Path.Combine(root, "src", "Twin.Cli", "bin", "Release", "net10.0", "twin.dll");
        if (!File.Exists(twinDll)) throw new FileNotFoundException($"{twinDll} not found: dotnet build src/Twin.Cli -c Release");
        string dir = Path.Combine(Path.GetTempPath(), $"twin-live-bench-{Environment.ProcessId}-{hz}");
        Directory.CreateDirectory(dir);
        // The deployment setting of the README: Mosquitto lets a client have 20 unacknowledged QoS 1 messages by default.
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Persistence = false, ExtraConfig = ["max_inflight_messages 1000", "max_queued_messages 2000000"] });
        await using var influx = await InfluxServer.LaunchAsync("twin");
        var yaml = new StringBuilder("site: bench\ncells:\n");
        for (int c = 0; c < cells; c++) yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: c{c:D4}, material: NMC811, q_li_Ah: 100, c_li0: 0.95 }}\n");
        // the benchmark reads the REST API as a monitoring script would: with a read-only API token
        var reader = Twin.Service.Security.ApiTokens.Create();
        yaml.Append(CultureInfo.InvariantCulture, $"api:\n  tokens:\n    - {{ name: bench-reader, cells: [], hash: \"{reader.Hash}\" }}\n");
        string config = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(config, yaml.ToString());
        int apiPort = MosquittoBroker.FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { twinDll, "serve", "--config", config, "--mqtt", broker.Url, "--influx", influx.BaseUri.ToString(), "--db", "twin",
            "--data-dir", Path.Combine(dir, "data"), "--urls", $"http://127.0.0.1:{apiPort}", "--client-id", "twin-bench-service" }.Concat(serveArgs))
            psi.ArgumentList.Add(a);
        if (serveArgs.Count > 0) Console.WriteLine("twin serve … " + string.Join(' ', serveArgs));
        using var serve = Process.Start(psi)!;
        // Whatever happens below, the service process does not outlive the benchmark.
        using var reaper = new ProcessReaper(serve);
        serve.OutputDataReceived += (_, _) => { };
        serve.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[serve] " + e.Data); };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", reader.Token);
        await WaitAsync(async () => { try { return (await http.GetAsync("/health")).IsSuccessStatusCode; } catch (HttpRequestException) { return false; } }, 60);

        // Warm-up: the same load for WarmupSeconds first (JIT, tiered compilation, thread pool, InfluxDB caches),
        // measured separately; the reported numbers are those of the following `seconds`.
        int perCell = hz * (seconds + WarmupSeconds);
        int measuredFrom = hz * WarmupSeconds;
        var sentAt = new long[cells * (long)perCell];
        var latencies = new List<double>(cells * perCell);
        var latencyAt = new List<double>(cells * perCell);
        long statesSeen = 0;
        var clock = Stopwatch.StartNew();
        await using var subscriber = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(broker.Url) with { ClientId = "bench-state-watch", ReceiveMaximum = 1000, HandlerQueueCapacity = 100_000 });
        await subscriber.SubscribeAsync("twin/v1/bench/+/state", QualityOfService.AtMostOnce, (m, _) =>
        {
            long now = clock.ElapsedTicks;
            using var doc = JsonDocument.Parse(m.Payload);
            string cell = doc.RootElement.GetProperty("cell").GetString()!;
            long seq = doc.RootElement.GetProperty("seq").GetInt64();
            int c = int.Parse(cell.AsSpan(1), CultureInfo.InvariantCulture);
            long t0 = sentAt[c * (long)perCell + seq];
            if (t0 > 0 && seq >= measuredFrom) lock (latencies) { latencies.Add((now - t0) * 1000.0 / Stopwatch.Frequency); latencyAt.Add((double)t0 / Stopwatch.Frequency); }
            Interlocked.Increment(ref statesSeen);
            return ValueTask.CompletedTask;
        });

        // Resident memory of the service, sampled every 500 ms.
        double peakRss = 0;
        var rssTimeline = new List<(double At, double MiB)>();
        using var stopRss = new CancellationTokenSource();
        var rssTask = Task.Run(async () =>
        {
            while (!stopRss.IsCancellationRequested)
            {
                double rss = RssMiB(serve.Id);
                peakRss = Math.Max(peakRss, rss);
                lock (rssTimeline) rssTimeline.Add((clock.Elapsed.TotalSeconds, rss));
                try { await Task.Delay(500, stopRss.Token); } catch (OperationCanceledException) { }
            }
        });

        await using var publisher = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(broker.Url) with { ClientId = "bench-instruments", OutboxCapacity = 100_000 });
        long start = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long published = 0;
        var pending = new Queue<Task>();
        var runClock = Stopwatch.StartNew();
        double tick = 1.0 / hz;
        for (int k = 0; k < perCell; k++)
        {
            // Spread the cells over the tick so the load is even, as independent instruments would be.
            for (int c = 0; c < cells; c++)
            {
                double due = k * tick + c * tick / cells;
                double wait = due - runClock.Elapsed.TotalSeconds;
                if (wait > 0.002) await Task.Delay(TimeSpan.FromSeconds(wait));
                var msg = new TelemetryMessage
                {
                    Instrument = "bench",
                    Samples = [new TelemetrySample { Seq = k, TimeUnixNs = start + (long)(due * 1e9), VoltageV = 3.8, CurrentA = 0.5, Kind = "charge" }],
                };
                sentAt[c * (long)perCell + k] = clock.ElapsedTicks;
                pending.Enqueue(publisher.PublishAsync(new BusMessage($"twin/v1/bench/c{c:D4}/telemetry", TwinPayloads.Serialize(msg))).AsTask());
                published++;
                while (pending.Count > 5000) await pending.Dequeue();
            }
        }
        while (pending.Count > 0) await pending.Dequeue();
        double elapsed = runClock.Elapsed.TotalSeconds - WarmupSeconds;

        // Every sample applied?
        long lost = 0;
        bool caughtUp = await TryWaitAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/cells"));
            lost = doc.RootElement.EnumerateArray().Sum(c => perCell - c.GetProperty("samples").GetInt64());
            return lost == 0;
        }, 120);
        if (!caughtUp) Console.WriteLine($"the service had not applied {lost:N0} samples 120 s after the load ended");
        string metrics = await http.GetStringAsync("/metrics");
        await Task.Delay(500);
        stopRss.Cancel();
        await rssTask;

        lock (rssTimeline)
            Console.WriteLine("service RSS by 10 s window (MiB): " + string.Join(", ", rssTimeline.GroupBy(x => (int)(x.At / 10))
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key * 10}s {g.Max(x => x.MiB):0}"))));
        long influxMissing = 0;
        if (verifyInflux)
        {
            long expected = (long)cells * perCell;
            await TryWaitAsync(async () =>
            {
                var rows = await influx.QueryRowsAsync("SELECT count(c_li) FROM twin");
                influxMissing = expected - (rows.Count == 0 ? 0 : rows[0].GetInt64("count") ?? 0);
                return influxMissing == 0;
            }, 300);
        }
        serve.Kill();
        await serve.WaitForExitAsync();
        Directory.Delete(dir, true);

        double[] sorted;
        lock (latencies)
        {
            sorted = [.. latencies.Order()];
            // p99 per 10 s window, to tell a start-up transient from a steady tail.
            double t0 = latencyAt.Count == 0 ? 0 : latencyAt.Min();
            var windows = latencies.Zip(latencyAt).GroupBy(x => (int)((x.Second - t0) / 10)).OrderBy(g => g.Key)
                .Select(g => { var w = g.Select(x => x.First).Order().ToArray(); return string.Create(CultureInfo.InvariantCulture, $"{g.Key * 10}s: p99 {w[(int)(0.99 * (w.Length - 1))]:0.0} ms"); });
            Console.WriteLine("latency by window: " + string.Join(", ", windows));
        }
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        long measured = published - (long)cells * measuredFrom;
        return new Result(cells, hz, seconds, cells * hz, measured / elapsed, published, statesSeen, lost,
            P(0.50), P(0.99), sorted.Length == 0 ? double.NaN : sorted[^1], peakRss, influxMissing, metrics);
    }

    internal static double RssMiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static async Task<bool> TryWaitAsync(Func<Task<bool>> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return false;
    }

    internal static async Task WaitAsync(Func<Task<bool>> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"condition not met within {seconds} s");
    }

    /// <summary>Kills a child process on dispose if it is still running.</summary>
    internal sealed class ProcessReaper(Process process) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
