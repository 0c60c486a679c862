using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Twin.Cli.Demo;
using Twin.FirmwareSim;
using Twin.Testing;
using Twin.Testing.Epics;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Instruments;

/// <summary>
/// The twin's PVs from <c>twin demo --epics</c> and <c>twin drive</c> with an <c>epics:</c> section, read by a real
/// Channel Access client (pyepics on EPICS base's libca) while the simulated cell charges.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class EpicsProcessTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    private static Dictionary<string, string> CaEnvironment(int port) => new() { ["EPICS_CA_SERVER_PORT"] = port.ToString(CultureInfo.InvariantCulture) };

    [Fact]
    public async Task Demo_pvs_match_the_rest_api_and_c_li_is_a_major_alarm_while_critical()
    {
        string dir = Repo.TempDir("demo-epics");
        int port = PyEpics.FreeServerPort();
        string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        // the voltage cut-off charges to 4.2 V: the cell passes the critical limit
        var demo = _twin.Start(["demo", "--epics", "TWIN:", "--speed", "600", "--cycles", "1", "--cutoff", "voltage", "--urls", api, "--out", Path.Combine(dir, "out"),
                "--mqtt-listen", $"127.0.0.1:{MosquittoBroker.FreePort()}"],
            "demo", environment: CaEnvironment(port));
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            async Task<JsonElement> CellAsync() => JsonDocument.Parse(await http.GetStringAsync("/api/cells/coin-1")).RootElement.GetProperty("summary");
            async Task<JsonElement> TryCellAsync() => await TwinProcesses.TryGetAsync(http, "/api/cells/coin-1") is { } body
                ? JsonDocument.Parse(body).RootElement.GetProperty("summary") : default;
            await Wait.ForAsync(TryCellAsync,
                s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("state", out var st) && st.ValueKind == JsonValueKind.Object && s.GetProperty("c_li").GetDouble() < 0.75,
                "the charge to bring c_Li below 0.75", TimeSpan.FromSeconds(120));

            // values: the CA reading lies between two REST readings taken around it (c_Li falls during the charge)
            string[] names = ["TWIN:coin-1:CLI", "TWIN:coin-1:V", "TWIN:coin-1:ZONE", "TWIN:coin-1:STEP", "TWIN:coin-1:CLI_SIGMA", "TWIN:coin-1:DIL"];
            var before = await CellAsync();
            var ca = await PyEpics.RunAsync(PyEpics.ReadScript, port, names);
            var after = await CellAsync();
            var cli = ca.GetProperty("TWIN:coin-1:CLI");
            double caTime = cli.GetProperty("timestamp").GetDouble(), caCLi = cli.GetProperty("time_value").GetDouble();
            double t0 = before.GetProperty("last_time_unix_ns").GetInt64() / 1e9, t1 = after.GetProperty("last_time_unix_ns").GetInt64() / 1e9;
            _twin.Log($"REST c_Li {before.GetProperty("c_li").GetDouble():0.00000} at {t0:0.000}, CA {caCLi:0.00000} at {caTime:0.000}, REST {after.GetProperty("c_li").GetDouble():0.00000} at {t1:0.000}");
            Assert.InRange(caTime, t0 - 1e-6, t1 + 1e-6);
            Assert.InRange(caCLi, after.GetProperty("c_li").GetDouble() - 1e-12, before.GetProperty("c_li").GetDouble() + 1e-12);
            Assert.Equal(2.0, ca.GetProperty("TWIN:coin-1:STEP").GetProperty("value").GetDouble());
            Assert.Equal(4, cli.GetProperty("precision").GetInt32());
            Assert.Equal(0.40, cli.GetProperty("lower_alarm_limit").GetDouble());
            Assert.Equal(0.45, cli.GetProperty("lower_warning_limit").GetDouble());
            Assert.Equal("V", ca.GetProperty("TWIN:coin-1:V").GetProperty("units").GetString());
            Assert.False(cli.GetProperty("write_access").GetBoolean());

            // monitors: every state of the twin arrives, in order (the charge samples every 30 simulated seconds)
            var monitored = (await PyEpics.RunAsync(PyEpics.MonitorScript, port, ["40", "60", "TWIN:coin-1:CLI"])).GetProperty("TWIN:coin-1:CLI").EnumerateArray().ToList();
            var stamps = monitored.Select(u => u.GetProperty("timestamp").GetDouble()).ToList();
            Assert.True(stamps.Count >= 40, $"{stamps.Count} updates");
            Assert.True(stamps.Zip(stamps.Skip(1)).All(p => p.Second > p.First), "update times increase");
            double spanned = (stamps[^1] - stamps[1]) / 30 + 1; // twin states between the second and the last update (the first is the value at subscription)
            _twin.Log($"{stamps.Count - 1} updates for {spanned:0.0} twin states spanned");
            Assert.InRange(stamps.Count - 1, 0.8 * spanned, spanned + 0.5);

            // alarm: once the twin says critical, c_Li is a MAJOR LOLO alarm and ZONE says so
            await Wait.ForAsync(CellAsync, s => s.GetProperty("zone").GetString() is "critical" or "deep", "the charge to pass the critical limit", TimeSpan.FromSeconds(120));
            var alarm = await PyEpics.RunAsync(PyEpics.ReadScript, port, ["TWIN:coin-1:CLI", "TWIN:coin-1:ZONE"]);
            string zoneAfter = (await CellAsync()).GetProperty("zone").GetString()!;
            Assert.True(zoneAfter is "critical" or "deep", zoneAfter);
            Assert.Equal(2, alarm.GetProperty("TWIN:coin-1:CLI").GetProperty("time_severity").GetInt32());
            Assert.Equal(5, alarm.GetProperty("TWIN:coin-1:CLI").GetProperty("status").GetInt32()); // LOLO
            Assert.Contains(alarm.GetProperty("TWIN:coin-1:ZONE").GetProperty("char_value").GetString(), new[] { "critical", "deep" });

            // nobody is listed as a writer in the demo: a caput is refused
            var put = await PyEpics.RunAsync(PyEpics.WriteScript, port, ["TWIN:coin-1:PATTERN_REQ", "1"]);
            Assert.False(put.GetProperty("write_access").GetBoolean());
            Assert.True(put.TryGetProperty("error", out _), put.ToString());
        }
        finally
        {
            if (!demo.HasExited) demo.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_listed_client_asks_the_driver_for_a_pattern_through_pattern_req()
    {
        string dir = Repo.TempDir("drive-epics");
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Speed = 300, PatternFolder = Path.Combine(dir, "patterns") });
        string config = DemoExperiment.Write(dir, sim, new DemoOptions(dir, Speed: 300, Cycles: 1));
        File.AppendAllText(config, $"\nepics:\n  prefix: \"BL:\"\n  writers:\n    - {{ user: {Environment.UserName}, host: {System.Net.Dns.GetHostName()} }}\n");
        int port = PyEpics.FreeServerPort();
        string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        var lines = new ConcurrentQueue<string>();
        var drive = _twin.Start(["drive", "--config", config, "--data-dir", Path.Combine(dir, "data"), "--urls", api, "--mqtt-listen", "none"], "drive", lines.Enqueue, CaEnvironment(port));
        try
        {
            await Wait.UntilAsync(() => lines.Any(l => l.Contains("[step_start] cycle 1: Charge", StringComparison.Ordinal)), "the charge to start", TimeSpan.FromSeconds(120));
            var put = await PyEpics.RunAsync(PyEpics.WriteScript, port, ["BL:coin-1:PATTERN_REQ", "1"]);
            Assert.True(put.GetProperty("write_access").GetBoolean(), put.ToString());
            Assert.Equal(JsonValueKind.Number, put.GetProperty("put").ValueKind);
            await Wait.UntilAsync(() => lines.Any(l => l.Contains($"(requested by CA client {Environment.UserName}@", StringComparison.Ordinal)),
                "the driver to trigger the requested pattern", TimeSpan.FromSeconds(60));
            var r = await PyEpics.RunAsync(PyEpics.ReadScript, port, ["BL:coin-1:PATTERN_REQ"]);
            Assert.Equal(1.0, r.GetProperty("BL:coin-1:PATTERN_REQ").GetProperty("value").GetDouble()); // requests accepted so far
            // audited like a dashboard change: who (the CA client's user@host), what, from where
            string audit = File.ReadAllText(Path.Combine(dir, "data", "audit.jsonl"));
            Assert.Contains($"\"user\":\"{Environment.UserName}@{System.Net.Dns.GetHostName()}\"", audit);
            Assert.Contains("\"action\":\"ca-write\",\"target\":\"BL:coin-1:PATTERN_REQ\"", audit);
        }
        finally
        {
            if (!drive.HasExited) drive.Kill(entireProcessTree: true);
        }
    }
}
