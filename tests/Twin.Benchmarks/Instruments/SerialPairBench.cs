using System.Diagnostics;
using System.Globalization;
using System.IO.Ports;
using System.Text;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;

using Twin.Testing.Pty;

namespace Twin.Benchmarks.Instruments;

/// <summary>
/// <c>serial-pair [round trips]</c> — the project's Linux serial transport (termios P/Invoke, used through
/// <see cref="TransportAddress"/> and <see cref="ScpiSession"/> as the drivers use it) against
/// <see cref="SerialPort"/> from System.IO.Ports, both as the client on side a of one socat pseudo-terminal pair.
/// </summary>
/// <remarks>
/// Side b runs an in-process line echo on the project's transport in both runs, so the responder costs the same
/// for both clients. Per client: round trips/s, p50/p99 latency, allocated bytes per round trip (whole process,
/// responder included), then two probes capped at 10 s each: asserting DTR/RTS, and a hang-up of the far end
/// (socat killed) while the client waits for a reply — time until the client notices and the time Close/Dispose takes.
/// Each client gets its own socat pair because the hang-up probe ends it.
/// </remarks>
internal static class SerialPairBench
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);
    private const string Line = "MEAS:VOLT? 0123456789";
    private const string HoldLine = "HOLD";
    private const int WarmUp = 500;

    /// <summary>Runs the paired benchmark and prints the table.</summary>
    /// <param name="args"><c>serial-pair [round trips]</c>.</param>
    /// <returns>0 when both runs completed, 1 when the pseudo-terminal pair could not be made.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        Console.WriteLine($"serial-pair: {n:N0} round trips per client over a socat pty pair, line '{Line}\\n', echo on side b (project transport in both runs)");
        var ours = await RunSideAsync("ours", n, OursClient.OpenAsync);
        if (ours is null) return 1;
        var pkg = await RunSideAsync("pkg", n, PortClient.OpenAsync);
        if (pkg is null) return 1;
        PrintTable(n, ours, pkg);
        return 0;
    }

    private static async Task<SideResult?> RunSideAsync(string tag, int n, Func<string, Task<IClient>> open)
    {
        SocatPtyPair pair;
        try
        {
            pair = await SocatPtyPair.StartAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"{tag}: no socat pty pair: {e.Message}");
            return null;
        }
        using var _ = pair;
        await using var responder = await EchoResponder.StartAsync(pair.DeviceB);
        var result = new SideResult();
        await using (var client = await open(pair.DeviceA))
        {
            for (int i = 0; i < WarmUp; i++) await client.RoundTripAsync(Line);
            var lat = new double[n];
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                string reply = await client.RoundTripAsync(Line);
                lat[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                if (reply != Line) throw new InvalidOperationException($"{tag}: echo mismatch '{reply}'");
            }
            sw.Stop();
            long alloc1 = GC.GetTotalAllocatedBytes(true);
            Array.Sort(lat);
            result.Rate = n / sw.Elapsed.TotalSeconds;
            result.P50 = Q(lat, 0.5);
            result.P99 = Q(lat, 0.99);
            result.AllocPerTrip = (alloc1 - alloc0) / (double)n;

            result.Modem = await CappedAsync(() => { client.SetModemLines(); return "ok"; });

            // Far-end hang-up: the client sends a line the responder does not answer, waits in its read, then socat dies.
            var pending = Task.Run(() => client.ReadUntilFailureAsync(HoldLine, Cap));
            // The responder has the line: the client has written it and waits in its read.
            await responder.HoldReceived.WaitAsync(Cap);
            long killedAt = Stopwatch.GetTimestamp();
            pair.Kill();
            bool failed = await Finished(pending);
            result.HangupMs = failed ? Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds : double.NaN;
            result.Hangup = failed ? pending.Result : "still blocked after 10 s";
            result.LinkLostMs = client.LinkLostAt != 0 ? Stopwatch.GetElapsedTime(killedAt, client.LinkLostAt).TotalMilliseconds : result.HangupMs;

            long c0 = Stopwatch.GetTimestamp();
            var close = Task.Run(async () => await client.DisposeAsync());
            bool closed = await Finished(close);
            result.CloseMs = closed ? Stopwatch.GetElapsedTime(c0).TotalMilliseconds : double.NaN;
            result.Close = !closed ? "still blocked after 10 s" : close.IsFaulted ? Describe(close.Exception!.GetBaseException()) : "ok";
        }
        return result;
    }

    private static async Task<string> CappedAsync(Func<string> action)
    {
        var task = Task.Run(() =>
        {
            try { return action(); }
            catch (Exception e) { return Describe(e); }
        });
        return await Finished(task) ? task.Result : "still blocked after 10 s";
    }

    // True when the task ended (in any state) within the cap; a task still running is left behind, not awaited.
    private static async Task<bool> Finished(Task task)
    {
        try
        {
            await task.WaitAsync(Cap);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception) when (task.IsCompleted)
        {
            // Faulted or cancelled: it ended, and the caller reads how.
        }
        return true;
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private static double Q(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static void PrintTable(int n, SideResult ours, SideResult pkg)
    {
        static string R(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "—" : (a / b).ToString("0.00", CultureInfo.InvariantCulture);
        static string F(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);
        static string Short(string s) => s == "ok" ? "ok" : s.Split(':', 2)[0];
        Console.WriteLine();
        Console.WriteLine($"| metric ({n:N0} round trips) | ours | System.IO.Ports | ratio ours/package |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| round trips/s | {F(ours.Rate, "0")} | {F(pkg.Rate, "0")} | {R(ours.Rate, pkg.Rate)} |");
        Console.WriteLine($"| p50 latency µs | {F(ours.P50, "0")} | {F(pkg.P50, "0")} | {R(ours.P50, pkg.P50)} |");
        Console.WriteLine($"| p99 latency µs | {F(ours.P99, "0")} | {F(pkg.P99, "0")} | {R(ours.P99, pkg.P99)} |");
        Console.WriteLine($"| allocated B/round trip (incl. responder) | {F(ours.AllocPerTrip, "0")} | {F(pkg.AllocPerTrip, "0")} | {R(ours.AllocPerTrip, pkg.AllocPerTrip)} |");
        Console.WriteLine($"| DTR+RTS on a pty | {Short(ours.Modem)} | {Short(pkg.Modem)} | — |");
        Console.WriteLine($"| far-end hang-up: link loss seen after ms | {F(ours.LinkLostMs, "0")} | {F(pkg.LinkLostMs, "0")} | {R(ours.LinkLostMs, pkg.LinkLostMs)} |");
        Console.WriteLine($"| far-end hang-up: waiting call fails after ms | {F(ours.HangupMs, "0")} | {F(pkg.HangupMs, "0")} | {R(ours.HangupMs, pkg.HangupMs)} |");
        Console.WriteLine($"| hang-up seen as | {Short(ours.Hangup)} | {Short(pkg.Hangup)} | — |");
        Console.WriteLine($"| Close/Dispose after hang-up ms | {F(ours.CloseMs, "0.0")} | {F(pkg.CloseMs, "0.0")} | {R(ours.CloseMs, pkg.CloseMs)} |");
        Console.WriteLine();
        Console.WriteLine("details:");
        Console.WriteLine($"  ours  DTR+RTS: {ours.Modem}");
        Console.WriteLine($"  ours  hang-up: {ours.Hangup}");
        Console.WriteLine($"  ours  close:   {ours.Close}");
        Console.WriteLine($"  pkg   DTR+RTS: {pkg.Modem}");
        Console.WriteLine($"  pkg   hang-up: {pkg.Hangup}");
        Console.WriteLine($"  pkg   close:   {pkg.Close}");
    }

    /// <summary>Figures of one client run.</summary>
    private sealed class SideResult
    {
        public double Rate, P50, P99, AllocPerTrip, HangupMs = double.NaN, LinkLostMs = double.NaN, CloseMs = double.NaN;
        public string Modem = "", Hangup = "", Close = "";
    }

    /// <summary>A client under test on side a.</summary>
    private interface IClient : IAsyncDisposable
    {
        /// <summary>Sends one line and returns the reply line.</summary>
        Task<string> RoundTripAsync(string line);

        /// <summary>Asserts DTR and RTS; throws what the API throws.</summary>
        void SetModemLines();

        /// <summary>Stopwatch timestamp when the link layer first reported the loss (0 = not reported separately).</summary>
        long LinkLostAt { get; }

        /// <summary>Sends an unanswered line and keeps reading until something other than a read timeout happens or the cap passes; returns what was seen.</summary>
        Task<string> ReadUntilFailureAsync(string line, TimeSpan cap);
    }

    /// <summary>The project's path: <see cref="TransportAddress.Parse"/> and a <see cref="ScpiSession"/> (2 s timeout, default reconnect policy).</summary>
    private sealed class OursClient : IClient
    {
        private readonly ITransport _transport;
        private readonly ScpiSession _session;

        private OursClient(ITransport transport)
        {
            _transport = transport;
            _session = new ScpiSession(transport, new ScpiOptions { Timeout = TimeSpan.FromSeconds(2) });
            _session.LinkEvent += text =>
            {
                if (LinkLostAt == 0 && text.StartsWith("link lost", StringComparison.Ordinal)) LinkLostAt = Stopwatch.GetTimestamp();
            };
        }

        public long LinkLostAt { get; private set; }

        public static async Task<IClient> OpenAsync(string device)
        {
            var client = new OursClient(TransportAddress.Parse($"serial://{device}?baud=115200"));
            await client._session.OpenAsync();
            return client;
        }

        public Task<string> RoundTripAsync(string line) => _session.QueryAsync(line);

        public void SetModemLines()
        {
            var modem = _transport as IModemControl ?? throw new NotSupportedException("the transport has no modem-control API");
            modem.SetDtr(true);
            modem.SetRts(true);
        }

        public async Task<string> ReadUntilFailureAsync(string line, TimeSpan cap)
        {
            var sw = Stopwatch.StartNew();
            int timeouts = 0;
            while (sw.Elapsed < cap)
            {
                try
                {
                    string reply = await _session.QueryAsync(line);
                    return $"unexpected reply '{reply}'";
                }
                catch (ScpiTimeoutException) { timeouts++; }
                catch (Exception e) { return (timeouts > 0 ? $"after {timeouts} timeout(s): " : "") + Describe(e); }
            }
            return $"still blocked after 10 s ({timeouts} timeouts)";
        }

        public ValueTask DisposeAsync() => _session.DisposeAsync();
    }

    /// <summary>System.IO.Ports as a user would write it: 115200 baud, NewLine "\n", ReadTimeout 2000, WriteLine/ReadLine.</summary>
    private sealed class PortClient : IClient
    {
        private readonly SerialPort _port;

        private PortClient(SerialPort port) => _port = port;

        public long LinkLostAt => 0;

        public static Task<IClient> OpenAsync(string device)
        {
            var port = new SerialPort(device, 115200) { NewLine = "\n", ReadTimeout = 2000, WriteTimeout = 2000, Encoding = Encoding.ASCII };
            port.Open();
            return Task.FromResult<IClient>(new PortClient(port));
        }

        public Task<string> RoundTripAsync(string line)
        {
            _port.WriteLine(line);
            return Task.FromResult(_port.ReadLine());
        }

        public void SetModemLines()
        {
            _port.DtrEnable = true;
            _port.RtsEnable = true;
        }

        public Task<string> ReadUntilFailureAsync(string line, TimeSpan cap) => Task.Factory.StartNew(() =>
        {
            var sw = Stopwatch.StartNew();
            int timeouts = 0;
            try { _port.WriteLine(line); }
            catch (Exception e) { return "write failed: " + Describe(e); }
            while (sw.Elapsed < cap)
            {
                try
                {
                    return $"unexpected reply '{_port.ReadLine()}'";
                }
                catch (TimeoutException) { timeouts++; }
                catch (Exception e) { return (timeouts > 0 ? $"after {timeouts} timeout(s): " : "") + Describe(e); }
            }
            return $"still blocked after 10 s ({timeouts} timeouts)";
        }, TaskCreationOptions.LongRunning);

        public ValueTask DisposeAsync()
        {
            _port.Close();
            _port.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The echo on side b, on the project's transport: answers every line with the same line, except <c>HOLD</c>.</summary>
    private sealed class EchoResponder : IAsyncDisposable
    {
        private readonly ITransport _transport;
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _holdReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _loop = Task.CompletedTask;

        private EchoResponder(ITransport transport) => _transport = transport;

        /// <summary>Completes when the line that is never answered has arrived.</summary>
        public Task HoldReceived => _holdReceived.Task;

        public static async Task<EchoResponder> StartAsync(string device)
        {
            var r = new EchoResponder(TransportAddress.Parse($"serial://{device}?baud=115200"));
            await r._transport.OpenAsync();
            r._loop = Task.Run(r.LoopAsync);
            return r;
        }

        private async Task LoopAsync()
        {
            var stream = _transport.Stream;
            var buf = new byte[8192];
            int filled = 0;
            byte[] hold = Encoding.ASCII.GetBytes(HoldLine);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    if (filled == buf.Length) filled = 0; // no line this long is ever sent
                    int got = await stream.ReadAsync(buf.AsMemory(filled), _stop.Token);
                    if (got == 0) return;
                    filled += got;
                    int start = 0;
                    int nl;
                    while ((nl = Array.IndexOf(buf, (byte)'\n', start, filled - start)) >= 0)
                    {
                        var line = buf.AsMemory(start, nl - start + 1);
                        if (!line.Span[..^1].SequenceEqual(hold)) await stream.WriteAsync(line, _stop.Token);
                        else _holdReceived.TrySetResult();
                        start = nl + 1;
                    }
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buf, start, buf, 0, filled - start);
                        filled -= start;
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { } // hang-up of the pair at the end of a run
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await Finished(_loop);
            _transport.Close();
            _stop.Dispose();
        }
    }
}
