using System.Runtime.CompilerServices;
using System.Diagnostics;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;

namespace Twin.Benchmarks.Live;

/// <summary>
/// The telemetry load of the dashboard and EPICS benchmarks: every cell at a rate, spread evenly over each period,
/// one QoS 1 sample per message with its time = the moment of publishing. Each cell is on a 1 C charge of 5 A·h (c_Li
/// falls by 1e-4 every ~0.4 s) with a rising, slightly noisy voltage, so that values change as on a real run.
/// </summary>
internal static class BenchTelemetry
{
    /// <summary>Publishes until cancelled, on <c>twin/v1/{site}/cNN/telemetry</c>.</summary>
    /// <param name="publisher">Connected client.</param>
    /// <param name="site">Site id.</param>
    /// <param name="cells">Cells c00, c01, ….</param>
    /// <param name="hz">Samples per second per cell.</param>
    /// <param name="published">Incremented per message.</param>
    /// <param name="stop">Ends the load.</param>
    public static async Task RunAsync(MqttClient publisher, string site, int cells, int hz, StrongBox<long> published, CancellationToken stop)
    {
        var pending = new Queue<Task>();
        var run = Stopwatch.StartNew();
        double tick = 1.0 / hz;
        for (long k = 0; !stop.IsCancellationRequested; k++)
        {
            for (int c = 0; c < cells && !stop.IsCancellationRequested; c++)
            {
                double wait = k * tick + c * tick / cells - run.Elapsed.TotalSeconds;
                if (wait > 0.002) await Task.Delay(TimeSpan.FromSeconds(wait));
                var msg = new TelemetryMessage
                {
                    Instrument = "bench",
                    Samples = [new TelemetrySample
                    {
                        Seq = k, TimeUnixNs = Twin.Core.Samples.UnixTime.NowNs(), Step = 2, Cycle = 1, Kind = "charge",
                        VoltageV = 3.6 + 1e-4 * (k % 5000) + 5e-4 * Math.Sin(1.7 * k + c), CurrentA = 5.0 + 2e-3 * Math.Sin(0.9 * k + c),
                    }],
                };
                pending.Enqueue(publisher.PublishAsync(new BusMessage($"twin/v1/{site}/c{c:D2}/telemetry", TwinPayloads.Serialize(msg))).AsTask());
                Interlocked.Increment(ref published.Value);
                while (pending.Count > 2000) await pending.Dequeue();
            }
        }
        while (pending.Count > 0) await pending.Dequeue();
    }
}
