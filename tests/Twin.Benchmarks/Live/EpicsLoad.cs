using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Twin.Messaging.Mqtt;
using Twin.Testing.Epics;
using Twin.Testing.Mosquitto;

namespace Twin.Benchmarks.Live;

/// <summary>
/// The Channel Access server under load: a real Mosquitto on loopback, <c>twin serve --epics BENCH:</c> (Release) as
/// its own process with 64 cells, 64 cells × 10 Hz of QoS 1 telemetry with <c>time_unix_ns</c> = now
/// (<see cref="BenchTelemetry"/>), and N monitoring clients — pyepics on EPICS base's libca, each its own process —
/// each monitoring every cell's <c>:CLI</c> and <c>:V</c>. Measures publish → CA client latency (the client's receive
/// time minus the PV's time stamp, which is the sample's publish time) and the service's CPU with and without the
/// clients.
/// </summary>
/// <remarks><c>dotnet run -c Release --project tests/Twin.Benchmarks -- epics [seconds] [clients] [warmup-seconds] [--without-epics]</c>
/// (default 30 10 10); <c>--without-epics</c> measures the service's CPU under the same load without the CA server, and stops.</remarks>
internal static class EpicsLoad
{
    private const int Cells = 64;
    private const int Hz = 10;

    // Connects every monitor, then says so (a file of its own in the ready folder) and waits for the benchmark's "go"
    // file: every client's window starts when the last one is connected, and ends after the given seconds.
    private const string ClientScript = """
import json, os, sys, time, epics
seconds, ready, go = float(sys.argv[1]), sys.argv[2], sys.argv[3]
lat = []
def cb(value=None, timestamp=None, **kw):
    lat.append((time.time() - timestamp) * 1000)
pvs = [epics.PV(n, form='time', callback=cb) for n in sys.argv[4:]]
for pv in pvs:
    pv.wait_for_connection(timeout=30)
open(os.path.join(ready, str(os.getpid())), 'w').close()
while not os.path.exists(go):
    time.sleep(0.01)
del lat[:]
time.sleep(seconds)
print(json.dumps({"latencies": lat}))
""";

    public static async Task<int> RunAsync(string[] args)
    {
        string[] positional = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        int seconds = Arg(positional, 1, 30), clients = Arg(positional, 2, 10), warmup = Arg(positional, 3, 10);
        bool baseline = args.Contains("--without-epics");
        string dir = Path.Combine(Path.GetTempPath(), $"twin-epics-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            return await RunInAsync(dir, seconds, clients, warmup, baseline);
        }
        finally
        {
            try { Directory.Delete(dir, true); }
            catch (IOException e) { Console.Error.WriteLine($"could not remove {dir}: {e.Message}"); }
        }
    }

    private static async Task<int> RunInAsync(string dir, int seconds, int clients, int warmup, bool baseline)
    {
        Console.WriteLine($"EPICS benchmark: {Cells} cells × {Hz} Hz over MQTT, {clients} CA clients × {2 * Cells} PVs, {warmup} s warm-up, {seconds} s per phase, {Environment.ProcessorCount} cores");
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Persistence = false, ExtraConfig = ["max_inflight_messages 1000", "max_queued_messages 2000000"] });
        int caPort = PyEpics.FreeServerPort();
        using var service = await BenchService.StartAsync(dir, Cells, broker.Url, "twin-epics-bench",
            arguments: baseline ? ["--no-dashboard"] : ["--no-dashboard", "--epics", "BENCH:"],
            environment: new Dictionary<string, string> { ["EPICS_CA_SERVER_PORT"] = caPort.ToString(CultureInfo.InvariantCulture) });
        var serve = service.Process;

        using var stop = new CancellationTokenSource();
        var published = new StrongBox<long>();
        await using var publisher = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(broker.Url) with { ClientId = "epics-bench-instruments", OutboxCapacity = 100_000 });
        var load = Task.Run(() => BenchTelemetry.RunAsync(publisher, "bench", Cells, Hz, published, stop.Token));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(warmup));
            var (idleCpu, idleRate) = await CpuAsync(serve.Id, seconds, published);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(baseline ? "without the CA server" : "no CA client")}: service {idleCpu:0} % of one core at {idleRate:N0} samples/s"));
            if (baseline) return 0;

            string[] names = [.. Enumerable.Range(0, Cells).SelectMany(c => new[] { $"BENCH:c{c:D2}:CLI", $"BENCH:c{c:D2}:V" })];
            string ready = Path.Combine(dir, "ready"), go = Path.Combine(dir, "go");
            Directory.CreateDirectory(ready);
            var running = Enumerable.Range(0, clients)
                .Select(_ => PyEpics.RunAsync(ClientScript, caPort, [seconds.ToString(CultureInfo.InvariantCulture) + ".0", ready, go, .. names], TimeSpan.FromSeconds(seconds + 120)))
                .ToList();
            await LiveLoad.WaitAsync(() => Task.FromResult(Directory.GetFiles(ready).Length == clients), 120);
            File.WriteAllText(go, "");
            var (busyCpu, busyRate) = await CpuAsync(serve.Id, seconds, published);
            var results = await Task.WhenAll(running);
            var lat = results.SelectMany(r => r.GetProperty("latencies").EnumerateArray().Select(x => x.GetDouble())).Order().ToArray();
            double expected = (double)clients * names.Length * Hz * seconds;
            Console.WriteLine();
            Console.WriteLine($"## Channel Access under load: {Cells} cells × {Hz} Hz, {clients} clients × {names.Length} monitors, {Environment.ProcessorCount} cores shared by publisher, Mosquitto, service and clients");
            Console.WriteLine();
            Console.WriteLine("| updates received | of the samples' states | publish → CA client p50 / p95 / p99 / max (ms) | service CPU without / with clients (% of one core) | samples/s |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {lat.Length:N0} | {100 * lat.Length / expected:0.0} % | {P(lat, 0.5):0.0} / {P(lat, 0.95):0.0} / {P(lat, 0.99):0.0} / {(lat.Length > 0 ? lat[^1] : double.NaN):0.0} | {idleCpu:0} / {busyCpu:0} | {idleRate:N0} / {busyRate:N0} |"));
            return lat.Length > 0 ? 0 : 1;
        }
        finally
        {
            stop.Cancel();
            try { await load; } catch (Exception e) when (e is OperationCanceledException or InvalidOperationException) { }
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
                await serve.WaitForExitAsync();
            }
        }
    }

    /// <summary>The service's CPU (% of one core) and the samples published per second over a window.</summary>
    private static async Task<(double Percent, double Rate)> CpuAsync(int pid, int seconds, StrongBox<long> published)
    {
        double c0 = CpuSeconds(pid);
        long p0 = Interlocked.Read(ref published.Value);
        var w = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        double c1 = CpuSeconds(pid);
        long p1 = Interlocked.Read(ref published.Value);
        return (100 * (c1 - c0) / w.Elapsed.TotalSeconds, (p1 - p0) / w.Elapsed.TotalSeconds);
    }

    /// <summary>User + system CPU seconds of a process (<c>/proc/PID/stat</c> fields 14 and 15, in clock ticks of 100 Hz).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static int Arg(string[] args, int i, int fallback) => args.Length > i && int.TryParse(args[i], out int v) ? v : fallback;
}
