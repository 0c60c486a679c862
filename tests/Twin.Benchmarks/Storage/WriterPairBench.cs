using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Testing;
using Twin.Testing.Influx;
using Twin.Testing.Victoria;

namespace Twin.Benchmarks.Storage;

/// <summary>
/// This product's line-protocol writer and the NuGet package InfluxDB.Client 5.1.0, side by side against one private
/// VictoriaMetrics on 127.0.0.1: N telemetry points (3 tags, 6 fields, ns timestamps) per path, in batches of the
/// spool's size (<see cref="SpoolOptions.BatchMaxLines"/> lines, at most <see cref="SpoolOptions.BatchMaxBytes"/> bytes),
/// one batch at a time, gzip on both sides. Ours goes to <c>/write?db=</c> and to <c>/api/v2/write</c>; the package's
/// <c>WriteApiAsync</c> goes to <c>/api/v2/write</c> with <c>PointData</c> and with line-protocol strings. Each path
/// builds its points from the same numbers inside the timed loop and writes its own measurement; the paths take turns
/// in five rounds (the machine is shared, so a change of load falls on all alike), and VictoriaMetrics counts the
/// samples of each afterwards. Then ours writes the same N to a real InfluxDB 1.x, and the package is tried
/// once there (it only speaks <c>/api/v2/write</c>, which InfluxDB has since 1.8).
/// </summary>
/// <remarks><c>dotnet run -c Release --project tests/Twin.Benchmarks -- writer-pair [points]</c> (default 1,000,000).</remarks>
internal static class WriterPairBench
{
    private const int Cells = 100, Fields = 6;
    private const int Rounds = 5;
    private const string Org = "lab", Bucket = "twin";
    private static readonly string[] CellNames = Enumerable.Range(0, Cells).Select(c => $"c{c:000}").ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        int n = args.Length > 1 && int.TryParse(args[1], out int v) && v > 0 ? v : 1_000_000;
        var spool = new SpoolOptions { Directory = "." };
        // Timestamps 1 ms apart from a day ago: within VictoriaMetrics' retention and InfluxDB's shards, never in the future.
        long baseNs = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 86_400) * 1_000_000_000;
        var plan = Plan(n, baseNs, spool);
        VictoriaMetricsServer vm;
        try
        {
            vm = await VictoriaMetricsServer.LaunchAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"writer-pair: VictoriaMetrics could not start: {ex.Message}");
            return 2;
        }
        var lanes = new List<Lane>();
        await using (vm)
        {
            Console.WriteLine($"writer-pair: {n:N0} points per path ({Cells} cells, 3 tags, {Fields} fields) in {plan.Count} batches of at most " +
                              $"{spool.BatchMaxLines:N0} lines / {spool.BatchMaxBytes:N0} B, {Rounds} interleaved rounds, VictoriaMetrics {vm.BaseUri}, " +
                              $"{Environment.ProcessorCount} cores");
            using var v1 = new InfluxWriter(InfluxEndpoint.V1(vm.BaseUri, "twin"));
            using var v2 = new InfluxWriter(InfluxEndpoint.V2(vm.BaseUri, Org, Bucket, "bench"));
            using var client = new InfluxDBClient(new InfluxDBClientOptions(vm.BaseUri.ToString()) { Token = "bench", Org = Org, Bucket = Bucket });
            client.EnableGzip();
            var api = client.GetWriteApiAsync();
            Lane[] Lanes(string prefix) =>
            [
                Ours("ours → VictoriaMetrics /write?db=", prefix + "ours_v1", v1, baseNs, spool),
                Ours("ours → VictoriaMetrics /api/v2/write", prefix + "ours_v2", v2, baseNs, spool),
                PackagePoints("InfluxDB.Client 5.1.0 WritePointsAsync(PointData) → /api/v2/write", prefix + "pkg_points", api, baseNs),
                PackageLines("InfluxDB.Client 5.1.0 WriteRecordsAsync(strings) → /api/v2/write", prefix + "pkg_lines", api, baseNs),
            ];
            await RunAsync(Lanes("wp_warm_"), plan.Take(4).ToList(), 1);
            lanes.AddRange(Lanes("wp_"));
            await RunAsync(lanes, plan, Rounds);
            var at = DateTimeOffset.FromUnixTimeMilliseconds((baseNs / 1_000_000) + n + 1000);
            foreach (var lane in lanes)
            {
                lane.Arrived = await CountAsync(vm, lane.Measurement, (long)n * Fields, at) + $" of {(long)n * Fields:N0} samples";
            }
        }

        await using (var influx = await InfluxServer.LaunchAsync("twin"))
        {
            using var writer = new InfluxWriter(InfluxEndpoint.V1(influx.BaseUri, "twin"));
            var lane = Ours("ours → InfluxDB 1.6 /write?db=", "wp_influx1", writer, baseNs, spool);
            await RunAsync([lane], plan, 1);
            long count = (await influx.QueryRowsAsync("SELECT count(seq) FROM wp_influx1")).Single().GetInt64("count") ?? 0;
            lane.Arrived = $"{count:N0} of {n:N0} points";
            lanes.Add(lane);
            using var client = new InfluxDBClient(new InfluxDBClientOptions(influx.BaseUri.ToString()) { Token = "bench", Org = Org, Bucket = Bucket });
            var refused = new Lane("InfluxDB.Client 5.1.0 → InfluxDB 1.6 /api/v2/write (one line)", "wp_pkg_influx1", (_, _) => Task.CompletedTask);
            try
            {
                await client.GetWriteApiAsync().WriteRecordAsync($"wp_pkg_influx1,cell=c000 voltage_V=3.7 {baseNs}", WritePrecision.Ns, Bucket, Org);
                refused.Arrived = "accepted";
            }
            catch (Exception ex)
            {
                refused.Arrived = $"refused: {ex.GetType().Name}" + (ex is InfluxDB.Client.Core.Exceptions.HttpException h ? $", HTTP {h.Status}" : "") +
                                  $" ({ex.Message.Split('\n')[0]})";
            }
            lanes.Add(refused);
        }

        Print(lanes);
        return 0;
    }

    /// <summary>One telemetry point's numbers, the same for every path.</summary>
    private static (string Cell, string Material, double V, double I, double Q, double T, long Seq, long Cycle, long Ns) Values(int i, long baseNs) =>
        (CellNames[i % Cells], i % Cells % 2 == 0 ? "NMC811" : "LFP", (3000 + i % 1200) / 1000.0, (i % 7 - 3) * 0.25, i % 100_000 / 1e4,
            25 + i % 50 / 10.0, i / Cells, i / 100_000, baseNs + i * 1_000_000L);

    private static LinePoint OurPoint(string measurement, int i, long baseNs)
    {
        var x = Values(i, baseNs);
        return LinePoint.Builder(measurement).Tag("site", "lab1").Tag("cell", x.Cell).Tag("material", x.Material)
            .Field("voltage_V", x.V).Field("current_A", x.I).Field("charge_Ah", x.Q).Field("temperature_C", x.T)
            .Field("seq", x.Seq).Field("cycle", x.Cycle).Timestamp(x.Ns).Build();
    }

    /// <summary>Cuts the N points into batches as the spool's drainer does: at most so many lines and so many bytes each.</summary>
    private static List<int> Plan(int n, long baseNs, SpoolOptions spool)
    {
        var encoder = new LineProtocolEncoder();
        var sizes = new List<int>();
        var line = new ArrayBufferWriter<byte>(512);
        int lines = 0, bytes = 0;
        for (int i = 0; i < n; i++)
        {
            line.ResetWrittenCount();
            encoder.Encode(OurPoint("wp_pkg_points", i, baseNs), line); // the longest measurement name of the paths
            if (lines == spool.BatchMaxLines || (lines > 0 && bytes + line.WrittenCount > spool.BatchMaxBytes))
            {
                sizes.Add(lines);
                lines = bytes = 0;
            }
            lines++;
            bytes += line.WrittenCount;
        }
        if (lines > 0) sizes.Add(lines);
        return sizes;
    }

    private static Lane Ours(string path, string measurement, InfluxWriter writer, long baseNs, SpoolOptions spool)
    {
        var encoder = new LineProtocolEncoder();
        var batch = new ArrayBufferWriter<byte>(spool.BatchMaxBytes + 64 * 1024);
        return new Lane(path, measurement, async (start, count) =>
        {
            batch.ResetWrittenCount();
            for (int i = start; i < start + count; i++) encoder.Encode(OurPoint(measurement, i, baseNs), batch);
            var result = await writer.WriteAsync(batch.WrittenMemory, count, TimestampPrecision.Nanoseconds, CancellationToken.None);
            if (!result.Written) throw new InvalidOperationException($"{writer.Endpoint} refused a batch: {result.StatusCode} {result.Reason}");
        });
    }

    private static Lane PackagePoints(string path, string measurement, WriteApiAsync api, long baseNs) => new(path, measurement, async (start, count) =>
    {
        var points = new List<PointData>(count);
        for (int i = start; i < start + count; i++)
        {
            var x = Values(i, baseNs);
            points.Add(PointData.Measurement(measurement).Tag("site", "lab1").Tag("cell", x.Cell).Tag("material", x.Material)
                .Field("voltage_V", x.V).Field("current_A", x.I).Field("charge_Ah", x.Q).Field("temperature_C", x.T)
                .Field("seq", x.Seq).Field("cycle", x.Cycle).Timestamp(x.Ns, WritePrecision.Ns));
        }
        await api.WritePointsAsync(points, Bucket, Org);
    });

    private static Lane PackageLines(string path, string measurement, WriteApiAsync api, long baseNs) => new(path, measurement, async (start, count) =>
    {
        var lines = new List<string>(count);
        for (int i = start; i < start + count; i++)
        {
            var x = Values(i, baseNs);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{measurement},cell={x.Cell},material={x.Material},site=lab1 voltage_V={x.V},current_A={x.I},charge_Ah={x.Q},temperature_C={x.T},seq={x.Seq}i,cycle={x.Cycle}i {x.Ns}"));
        }
        await api.WriteRecordsAsync(lines, WritePrecision.Ns, Bucket, Org);
    });

    /// <summary>
    /// Writes the planned batches through every lane in <paramref name="rounds"/> rounds, the lanes taking turns (in a
    /// rotating order) within each round, so that a load change on the shared machine falls on all of them alike.
    /// </summary>
    private static async Task RunAsync(IReadOnlyList<Lane> lanes, List<int> plan, int rounds)
    {
        int perRound = (plan.Count + rounds - 1) / rounds, first = 0;
        for (int r = 0; r < rounds; r++)
        {
            var batches = plan.Skip(r * perRound).Take(perRound).ToList();
            for (int k = 0; k < lanes.Count; k++)
            {
                var lane = lanes[(r + k) % lanes.Count];
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                int start = first;
                foreach (int size in batches)
                {
                    await lane.WriteBatch(start, size);
                    start += size;
                }
                lane.Elapsed += clock.Elapsed;
                lane.Allocated += GC.GetTotalAllocatedBytes(precise: true) - allocated;
                lane.Points += start - first;
            }
            first += batches.Sum();
        }
    }

    /// <summary>Samples VictoriaMetrics holds for a measurement, polled until all are there (or 60 s passed).</summary>
    private static async Task<string> CountAsync(VictoriaMetricsServer vm, string measurement, long expected, DateTimeOffset at)
    {
        double count = 0;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                await vm.FlushAsync();
                var result = await vm.QueryAsync($"sum(count_over_time({{__name__=~\"{measurement}_.*\"}}[2d]))", at);
                count = result.Count == 0 ? 0 : result[0].Value;
                return count >= expected;
            }, $"{expected} samples of {measurement}", observed: () => $"{count:N0}");
        }
        catch (TimeoutException)
        {
            // Reported in the table.
        }
        return $"{count:N0}";
    }

    private static void Print(List<Lane> lanes)
    {
        var ours = lanes.First(l => l.Measurement == "wp_ours_v2");
        foreach (var l in lanes.Where(l => l.Points > 0)) Console.WriteLine($"{l.Measurement}: {l.Points:N0} points in {l.Elapsed.TotalSeconds:N2} s");
        Console.WriteLine();
        Console.WriteLine("| path | points/s | allocated B/point | arrived | ours (/api/v2/write) / this: points/s, B/point |");
        Console.WriteLine("|---|---:|---:|---|---|");
        foreach (var l in lanes)
        {
            string ratio = l.Path.StartsWith("InfluxDB.Client", StringComparison.Ordinal) && l.Points > 0
                ? $"{ours.Rate / l.Rate:N2}×, {ours.BytesPerPoint / l.BytesPerPoint:N2}×" : "";
            string rate = l.Points > 0 ? $"{l.Rate:N0}" : "—", bytes = l.Points > 0 ? $"{l.BytesPerPoint:N0}" : "—";
            Console.WriteLine($"| {l.Path} | {rate} | {bytes} | {l.Arrived} | {ratio} |");
        }
    }

    /// <summary>One way of writing: a batch writer and what it measured.</summary>
    private sealed class Lane(string path, string measurement, Func<int, int, Task> writeBatch)
    {
        public string Path => path;

        public string Measurement => measurement;

        /// <summary>Writes points [start, start + count) as one request.</summary>
        public Func<int, int, Task> WriteBatch => writeBatch;

        public TimeSpan Elapsed { get; set; }

        public long Allocated { get; set; }

        public int Points { get; set; }

        public string Arrived { get; set; } = "";

        public double Rate => Points / Elapsed.TotalSeconds;

        public double BytesPerPoint => (double)Allocated / Points;
    }
}
