using System.Diagnostics;
using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.Interlocks;
using Twin.Drivers.Protocol;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.Drivers.Triggers;
using Twin.FirmwareSim;

namespace Twin.Benchmarks.Instruments;

/// <summary>
/// Instrument-path measurements against the firmware simulator at real time (speed 1):
/// <c>scpi [seconds]</c> — SCPI round trips per second (<c>*OPC?</c> and a full <c>:READ?</c>) over TCP loopback and over a
/// pseudo-terminal; <c>jitter [seconds] [hz]</c> — sampling punctuality of the experiment runner at 10 Hz over both links.
/// </summary>
internal static class InstrumentBench
{
    public static async Task<int> ScpiAsync(string[] args)
    {
        double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        await using var sim = await StartSimAsync();
        Console.WriteLine($"SCPI round trips, {seconds:0} s each, simulator at real time, 2 cores shared by driver and simulator");
        Console.WriteLine("link  query                                          round trips/s    p50 µs    p99 µs");
        foreach (var (link, address) in Links(sim))
        {
            foreach (string query in new[] { "*OPC?", ":READ? \"defbuffer1\", READ, SOUR, SEC, FRAC" })
            {
                await using var session = new ScpiSession(TransportAddress.Parse(address));
                await session.OpenAsync();
                for (int i = 0; i < 200; i++) await session.QueryAsync(query);
                var lat = new List<double>(1 << 16);
                var sw = Stopwatch.StartNew();
                while (sw.Elapsed.TotalSeconds < seconds)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    await session.QueryAsync(query);
                    lat.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                }
                double rate = lat.Count / sw.Elapsed.TotalSeconds;
                lat.Sort();
                Console.WriteLine($"{link,-5} {query,-46} {rate,13:0}   {Q(lat, 0.5),7:0}   {Q(lat, 0.99),7:0}");
            }
        }
        return 0;
    }

    public static async Task<int> JitterAsync(string[] args)
    {
        double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60;
        double hz = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
        await using var sim = await StartSimAsync();
        Console.WriteLine($"sampling at {hz:0.#} Hz for {seconds:0} s per link (Keithley 2450 driver: :READ? + compliance query per sample)");
        Console.WriteLine("link  samples  missed  lateness p50 ms  p99 ms  max ms  interval |Δ| p99 ms");
        foreach (var (link, address) in Links(sim))
        {
            await using var smu = new Keithley2450(new ScpiSession(TransportAddress.Parse(address)));
            var protocol = ProtocolParser.Parse($"Charge at C/5 for {seconds:0} seconds ({1 / hz:0.###} second period)", "bench");
            var options = new RunnerOptions
            {
                NominalCapacityAh = sim.Options.Cell.NominalCapacityAh,
                Limits = new HardLimits(4.25, 2.0, sim.Options.Cell.NominalCapacityAh, 45),
                SafeCutoffV = 4.2,
                WatchdogTimeout = TimeSpan.FromHours(1),
            };
            var runner = new ExperimentRunner(smu, protocol, options, new DiscardSink());
            var r = await runner.RunAsync();
            if (r.Outcome != RunOutcome.Completed) throw new InvalidOperationException(r.Message);
            var t = r.Timing;
            Console.WriteLine($"{link,-5} {t.Count,7}  {t.Missed,6}  {t.LatenessP50Ms,15:0.000}  {t.LatenessP99Ms,6:0.000}  {t.LatenessMaxMs,6:0.0}  {t.IntervalP99DeviationMs,18:0.000}");
        }
        return 0;
    }

    private static Task<SimulatorHost> StartSimAsync() => SimulatorHost.StartAsync(new SimulatorOptions
    {
        Speed = 1,
        SmuPtyPath = Path.Combine(Path.GetTempPath(), $"twin-bench-{Environment.ProcessId}"),
        PatternFolder = Path.Combine(Path.GetTempPath(), $"twin-bench-patterns-{Environment.ProcessId}"),
    });

    private static IEnumerable<(string Link, string Address)> Links(SimulatorHost sim) =>
        [("tcp", sim.SmuAddress), ("pty", $"serial://{sim.SmuPtyPath}?baud=115200")];

    private static double Q(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private sealed class DiscardSink : IRunnerSink
    {
        public ValueTask OnSampleAsync(RunnerSample sample, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public ValueTask OnEventAsync(RunnerEvent runnerEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public ValueTask OnPatternAsync(AcquiredPattern pattern, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
