using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Twin.Testing.Mosquitto;

namespace Twin.Benchmarks.Messaging;

/// <summary>
/// This product's MQTT client and MQTTnet 5, side by side in one run against one private Mosquitto on 127.0.0.1:
/// QoS 0 throughput, QoS 1 awaited (rate, publish → PUBACK latency), QoS 1 pipelined, and a QoS 1 stream across a
/// broker restart. Every scenario uses fresh clients and a subscriber of the same library on its own topic, which
/// counts what arrives (payloads carry a sequence number), so the run checks delivery as well as speed.
/// </summary>
/// <remarks><c>dotnet run -c Release --project tests/Twin.Benchmarks -- mqtt-pair [messages] [payload bytes]</c> (default 100000 200).</remarks>
internal static class MqttPairBench
{
    private const string Ours = "ours", Net = "MQTTnet";
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        int n = Arg(args, 1, 100_000), size = Math.Max(4, Arg(args, 2, 200));
        MosquittoBroker broker;
        try
        {
            broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { ExtraConfig = ["max_inflight_messages 1000", "max_queued_messages 2000000"] });
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"mqtt-pair: the Mosquitto broker could not start: {ex.Message}");
            return 2;
        }
        await using (broker)
        {
            var payloads = new byte[n][];
            for (int i = 0; i < n; i++)
            {
                payloads[i] = new byte[size];
                payloads[i].AsSpan(4).Fill((byte)'x');
                BinaryPrimitives.WriteInt32LittleEndian(payloads[i], i);
            }
            var run = new Run(broker, payloads, Guid.NewGuid().ToString("N")[..8]);
            Console.WriteLine($"mqtt-pair: {n:N0} messages of {size} B per scenario, Mosquitto {broker.Url} (max_inflight_messages 1000), {Environment.ProcessorCount} cores");
            foreach (var lib in new[] { Ours, Net }) await run.WarmUpAsync(lib, Math.Min(n, 5_000));
            foreach (var lib in new[] { Ours, Net }) await run.QoS0Async(lib);
            foreach (var lib in new[] { Ours, Net }) await run.AwaitedAsync(lib);
            foreach (var lib in new[] { Ours, Net }) await run.PipelinedAsync(lib);
            foreach (var lib in new[] { Ours, Net }) await run.ReconnectAsync(lib);
            Console.WriteLine();
            run.Figures.Print(n);
        }
        return 0;
    }

    private static int Arg(string[] args, int i, int fallback) => args.Length > i && int.TryParse(args[i], out int v) && v > 0 ? v : fallback;

    /// <summary>The scenarios of one run: a broker, the payloads, and the figures collected.</summary>
    private sealed class Run(MosquittoBroker broker, byte[][] payloads, string runId)
    {
        public Figures Figures { get; } = new();
        private int N => payloads.Length;

        private IPairClient Create(string lib, string id, bool persistent = false) => lib == Ours
            ? new TwinPairClient(broker.Url, $"pair-{runId}-{lib}-{id}", persistent)
            : new MqttNetPairClient(broker.Host, broker.Port, $"pair-{runId}-{lib}-{id}", persistent);

        private string Topic(string lib, string scenario) => $"twin-bench/pair/{runId}/{lib}/{scenario}";

        private async Task<(IPairClient Sub, Arrivals Seen, IPairClient Pub)> PairAsync(string lib, string scenario, bool persistent = false)
        {
            var seen = new Arrivals(N);
            var sub = Create(lib, scenario + "-sub", persistent);
            await sub.ConnectAsync();
            await sub.SubscribeAsync(Topic(lib, scenario), seen.Add);
            var pub = Create(lib, scenario + "-pub");
            await pub.ConnectAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return (sub, seen, pub);
        }

        public async Task WarmUpAsync(string lib, int count)
        {
            var (sub, seen, pub) = await PairAsync(lib, "warmup");
            await using (sub) await using (pub)
            {
                string topic = Topic(lib, "warmup");
                for (int i = 0; i < count; i++) await pub.PublishAsync(topic, payloads[i], false);
                var tasks = new Task[count];
                for (int i = 0; i < count; i++) tasks[i] = pub.PublishAsync(topic, payloads[i], true);
                await Settle(tasks, TimeSpan.FromSeconds(60));
                await seen.WaitAsync(Stall, 2 * count);
                Console.WriteLine($"warm-up {lib}: {seen.Total:N0} of {2 * count:N0} delivered");
            }
        }

        public async Task QoS0Async(string lib)
        {
            var (sub, seen, pub) = await PairAsync(lib, "qos0");
            await using (sub) await using (pub)
            {
                string topic = Topic(lib, "qos0");
                int failed = 0;
                long a = Allocated(), t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < N; i++)
                {
                    var t = pub.PublishAsync(topic, payloads[i], false);
                    try { await t; } catch (Exception) { }
                    if (!pub.Succeeded(t)) failed++;
                }
                bool all = await seen.WaitAsync(Stall);
                long allocated = Allocated() - a;
                double s = Seconds(t0, seen.LastArrival);
                Figures.Add("1. QoS 0: msg/s until the subscriber had all", lib, seen.Unique / s);
                Figures.Add("1. QoS 0: arrived", lib, seen.Unique);
                Figures.Add("1. QoS 0: publish failed", lib, failed);
                Figures.Add("1. QoS 0: allocated B/msg, publisher + subscriber", lib, allocated / (double)N);
                Console.WriteLine($"1 {lib}: {seen.Unique / s:N0} msg/s, {seen.Unique:N0} arrived{(all ? "" : " (stalled)")}, {failed} failed");
            }
            // Publisher alone (nobody subscribes to this topic): allocations of the publishing side only. A QoS 1
            // message at the end, in order behind the QoS 0 ones, tells when they have all been written.
            await using (var alone = Create(lib, "qos0-alone"))
            {
                await alone.ConnectAsync();
                string nowhere = Topic(lib, "qos0-alone");
                long a = Allocated();
                for (int i = 0; i < N; i++) await alone.PublishAsync(nowhere, payloads[i], false);
                await alone.PublishAsync(nowhere, payloads[0], true);
                Figures.Add("1. QoS 0: allocated B/msg, publisher alone", lib, (Allocated() - a) / (double)N);
            }
        }

        public async Task AwaitedAsync(string lib)
        {
            var (sub, seen, pub) = await PairAsync(lib, "awaited");
            await using (sub) await using (pub)
            {
                string topic = Topic(lib, "awaited");
                var latency = new double[N];
                int failed = 0;
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < N; i++)
                {
                    long s0 = Stopwatch.GetTimestamp();
                    var t = pub.PublishAsync(topic, payloads[i], true);
                    try { await t; } catch (Exception) { }
                    latency[i] = Stopwatch.GetElapsedTime(s0).TotalMicroseconds;
                    if (!pub.Succeeded(t)) failed++;
                }
                double s = Seconds(t0, Stopwatch.GetTimestamp());
                await seen.WaitAsync(Stall);
                Array.Sort(latency);
                Figures.Add("2. QoS 1 awaited: msg/s (PUBACK each)", lib, (N - failed) / s);
                Figures.Add("2. QoS 1 awaited: publish → PUBACK p50 µs", lib, latency[N / 2], "N1");
                Figures.Add("2. QoS 1 awaited: publish → PUBACK p99 µs", lib, latency[(int)(N * 0.99)], "N1");
                Figures.Add("2. QoS 1 awaited: failed", lib, failed);
                Figures.Add("2. QoS 1 awaited: arrived", lib, seen.Unique);
                Console.WriteLine($"2 {lib}: {(N - failed) / s:N0} msg/s, p50 {latency[N / 2]:N1} µs, p99 {latency[(int)(N * 0.99)]:N1} µs, {failed} failed, {seen.Unique:N0} arrived");
            }
        }

        public async Task PipelinedAsync(string lib)
        {
            var (sub, seen, pub) = await PairAsync(lib, "pipelined");
            await using (sub) await using (pub)
            {
                string topic = Topic(lib, "pipelined");
                var tasks = new Task[N];
                long a = Allocated(), t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < N; i++) tasks[i] = pub.PublishAsync(topic, payloads[i], true);
                await Settle(tasks, TimeSpan.FromSeconds(120));
                double s = Seconds(t0, Stopwatch.GetTimestamp());
                long allocated = Allocated() - a;
                int ok = tasks.Count(pub.Succeeded), unfinished = tasks.Count(t => !t.IsCompleted);
                await seen.WaitAsync(Stall);
                Figures.Add("3. QoS 1 pipelined: msg/s acknowledged", lib, ok / s);
                Figures.Add("3. QoS 1 pipelined: failed (incl. unfinished after 120 s)", lib, N - ok);
                Figures.Add("3. QoS 1 pipelined: arrived", lib, seen.Unique);
                Figures.Add("3. QoS 1 pipelined: allocated B/msg, publisher + subscriber", lib, allocated / (double)N);
                string error = tasks.FirstOrDefault(t => t.IsFaulted)?.Exception?.GetBaseException().Message ?? "";
                Console.WriteLine($"3 {lib}: {ok / s:N0} msg/s, {N - ok:N0} failed ({unfinished:N0} unfinished){(error == "" ? "" : ", first error: " + error)}, {seen.Unique:N0} arrived{Lost(pub)}");
            }
            await using (var alone = Create(lib, "pipelined-alone"))
            {
                await alone.ConnectAsync();
                var tasks = new Task[N];
                string nowhere = Topic(lib, "pipelined-alone");
                long a = Allocated();
                for (int i = 0; i < N; i++) tasks[i] = alone.PublishAsync(nowhere, payloads[i], true);
                await Settle(tasks, TimeSpan.FromSeconds(120));
                Figures.Add("3. QoS 1 pipelined: allocated B/msg, publisher alone", lib, (Allocated() - a) / (double)N);
            }
        }

        public async Task ReconnectAsync(string lib)
        {
            var (sub, seen, pub) = await PairAsync(lib, "reconnect", persistent: true);
            await using (sub) await using (pub)
            {
                string topic = Topic(lib, "reconnect");
                var window = new Queue<Task<bool>>();
                int ok = 0, failed = 0;
                Task restart = Task.CompletedTask;
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < N; i++)
                {
                    if (i == N / 3) restart = Task.Run(() => broker.RestartAsync(TimeSpan.FromSeconds(2)));
                    window.Enqueue(pub.PublishUntilAcceptedAsync(topic, payloads[i], TimeSpan.FromSeconds(60)));
                    if (window.Count >= 100) { if (await window.Dequeue()) ok++; else failed++; }
                }
                while (window.Count > 0) { if (await window.Dequeue()) ok++; else failed++; }
                await restart;
                long published = Stopwatch.GetTimestamp();
                await seen.WaitAsync(TimeSpan.FromSeconds(20));
                double s = Seconds(t0, Math.Max(published, seen.LastArrival));
                Figures.Add("4. restart: published OK", lib, ok);
                Figures.Add("4. restart: failed", lib, failed);
                Figures.Add("4. restart: arrived (deliveries)", lib, seen.Total);
                Figures.Add("4. restart: duplicates", lib, seen.Total - seen.Unique);
                Figures.Add("4. restart: missing", lib, N - seen.Unique);
                Figures.Add("4. restart: elapsed s", lib, s, "N1");
                Console.WriteLine($"4 {lib}: {ok:N0} OK, {failed:N0} failed, {seen.Total:N0} delivered, {seen.Total - seen.Unique:N0} duplicates ({seen.Duplicated()}), {N - seen.Unique:N0} missing, {s:N1} s{Lost(pub)}");
            }
        }

        private static string Lost(IPairClient client) => client.LastError is { } e ? $"; connection lost: {e}" : "";

        private static long Allocated() => GC.GetTotalAllocatedBytes(precise: true);

        private static double Seconds(long from, long to) => Math.Max(1, to - from) / (double)Stopwatch.Frequency;

        /// <summary>Waits until every task has completed or the time is up; outcomes are read from the tasks afterwards.</summary>
        private static async Task Settle(Task[] tasks, TimeSpan limit)
        {
            try { await Task.WhenAll(tasks).WaitAsync(limit); }
            catch (Exception) { }
        }
    }

    /// <summary>What a subscriber received: deliveries per sequence number, and when the latest came.</summary>
    private sealed class Arrivals(int expected)
    {
        private readonly int[] _count = new int[expected];
        private long _total, _unique, _last;
        private TaskCompletionSource _arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Total => Interlocked.Read(ref _total);
        public long Unique => Interlocked.Read(ref _unique);
        public long LastArrival => Interlocked.Read(ref _last);

        public void Add(int seq)
        {
            Interlocked.Increment(ref _total);
            Interlocked.Exchange(ref _last, Stopwatch.GetTimestamp());
            if ((uint)seq < (uint)_count.Length && Interlocked.Increment(ref _count[seq]) == 1) Interlocked.Increment(ref _unique);
            Volatile.Read(ref _arrival).TrySetResult();
        }

        /// <summary>Which sequence numbers came more than once: "none", or how many distinct ones and their range.</summary>
        public string Duplicated()
        {
            var dup = Enumerable.Range(0, _count.Length).Where(i => Volatile.Read(ref _count[i]) > 1).ToList();
            return dup.Count == 0 ? "none" : $"{dup.Count:N0} distinct, seq {dup[0]:N0}–{dup[^1]:N0}";
        }

        /// <summary>Waits until every sequence number arrived (or <paramref name="deliveries"/> deliveries did), or nothing came for <paramref name="stall"/>.</summary>
        public async Task<bool> WaitAsync(TimeSpan stall, long? deliveries = null)
        {
            bool Done() => deliveries is { } d ? Total >= d : Unique >= expected;
            while (true)
            {
                // A fresh signal before the check: an arrival after the check completes it.
                var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _arrival, next);
                if (Done()) return true;
                try
                {
                    await next.Task.WaitAsync(stall);
                }
                catch (TimeoutException)
                {
                    return Done();
                }
            }
        }
    }

    /// <summary>The figures of both libraries, printed as one Markdown table with the ratio ours/MQTTnet.</summary>
    private sealed class Figures
    {
        private readonly List<(string Row, string Format)> _rows = [];
        private readonly Dictionary<(string Row, string Lib), double> _values = [];

        public void Add(string row, string lib, double value, string format = "N0")
        {
            if (!_rows.Exists(r => r.Row == row)) _rows.Add((row, format));
            _values[(row, lib)] = value;
        }

        public void Print(int n)
        {
            Console.WriteLine($"| scenario ({n:N0} messages each) | ours | MQTTnet | ours/MQTTnet |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (row, format) in _rows)
            {
                string F(string lib) => _values.TryGetValue((row, lib), out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
                bool both = _values.TryGetValue((row, Ours), out var o) & _values.TryGetValue((row, Net), out var m);
                string ratio = both && m != 0 ? (o / m).ToString("0.00", CultureInfo.InvariantCulture) : "–";
                Console.WriteLine($"| {row} | {F(Ours)} | {F(Net)} | {ratio} |");
            }
        }
    }
}
