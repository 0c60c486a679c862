using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;
using Twin.Testing.Influx;

namespace Twin.Benchmarks.Storage;

/// <summary>
/// Memory and delay of the spool drainer when one point is huge: a point whose tag value is <c>MiB</c> MiB long (as a
/// telemetry message with a 15 MB instrument name makes), between two ordinary points, drained to a real InfluxDB
/// 1.x, which refuses it (series key too long) and echoes the whole line in its 400 answer. Runs in a child process
/// with the service's 256 MiB heap limit and (by default) 96 MiB of live data beside the drainer (about what
/// <c>twin serve</c> holds for 1,000 cells), and reports the bytes allocated, the peak managed heap, the drainer failures (out of
/// memory) and the time until the ordinary point after the huge one is confirmed.
/// </summary>
internal static class LargeLineDrain
{
    public static async Task<int> RunAsync(string[] args)
    {
        int mib = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        int ballastMiB = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 96;
        if (args.Length > 3 && args[3] == "child") return await ChildAsync(mib, ballastMiB);
        var psi = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(typeof(LargeLineDrain).Assembly.Location);
        foreach (var a in new[] { "drain-large", mib.ToString(CultureInfo.InvariantCulture), ballastMiB.ToString(CultureInfo.InvariantCulture), "child" })
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";
        psi.Environment["DOTNET_gcConcurrent"] = "0";
        using var child = Process.Start(psi)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    private static async Task<int> ChildAsync(int mib, int ballastMiB)
    {
        var ballast = new byte[ballastMiB][];
        for (int i = 0; i < ballast.Length; i++) ballast[i] = new byte[1 << 20];
        await using var influx = await InfluxServer.LaunchAsync("twin");
        string dir = Path.Combine(Path.GetTempPath(), "twin-drain-large-" + Environment.ProcessId);
        var failures = new FailureCounter();
        using var writer = new InfluxWriter(InfluxEndpoint.V1(influx.BaseUri, "twin"));
        await using var spool = PointSpool.Open(new SpoolOptions { Directory = dir, ErrorPause = TimeSpan.FromSeconds(5) }, writer, failures);
        var huge = new LinePoint("telemetry", [new("cell", "c1"), new("instrument", new string('x', mib << 20))], [LineField.Float("voltage_V", 3.9)], 1_700_000_000_000_000_001);
        LinePoint Normal(long ns) => new("telemetry", [new("cell", "c1"), new("instrument", "smu")], [LineField.Float("voltage_V", 3.8)], ns);
        await spool.WriteAsync([Normal(1_700_000_000_000_000_000), huge, Normal(1_700_000_000_000_000_002)]);
        huge = null;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5, CancellationToken.None);
            }
        });
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true), heap0 = GC.GetTotalMemory(false);
        var clock = Stopwatch.StartNew();
        await spool.StartAsync();
        string drained;
        try
        {
            await spool.WaitForDrainAsync().WaitAsync(TimeSpan.FromMinutes(5));
            drained = $"{clock.Elapsed.TotalSeconds:0.0} s to confirm the point after it";
        }
        catch (TimeoutException)
        {
            drained = $"the point after it not confirmed after {clock.Elapsed.TotalSeconds:0} s";
        }
        await sampling.CancelAsync();
        await sampler;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        var m = spool.GetMetrics();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {mib} MiB tag value, {ballastMiB} MiB live | {m.PointsWritten} written, {m.QuarantinedLines} quarantined | {allocated / 1048576.0:0.0} MiB allocated | " +
            $"peak heap {(peak - heap0) / 1048576.0:0.0} MiB above the {heap0 / 1048576.0:0} MiB before | {failures.Count} drainer failure(s) | {drained} |"));
        GC.KeepAlive(ballast);
        await spool.StopAsync();
        Directory.Delete(dir, true);
        return m.PointsWritten == 2 && m.QuarantinedLines == 1 ? 0 : 1;
    }

    /// <summary>Counts the drainer's error reports (one per failed attempt, e.g. out of memory) and prints them.</summary>
    private sealed class FailureCounter : ILogger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || exception is null) return;
            Interlocked.Increment(ref _count);
            Console.Error.WriteLine($"drainer: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
