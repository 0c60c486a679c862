using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Twin.Cli.Demo;
using Twin.Core.Samples;
using Twin.FirmwareSim;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// <c>twin serve</c> without <c>--mqtt</c> runs its own MQTT broker: the stock Mosquitto clients publish telemetry
/// with an API token and read the retained state, the access rules hold, a publication the broker acknowledged is
/// stored (also across SIGKILL), retained messages outlive a restart, and a port that is taken is a clear error.
/// <c>twin drive</c> talks to its embedded twin through the broker too. The broker listens on a port of the test's own
/// (<c>--mqtt-listen</c>); the default is 127.0.0.1:1883.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class EmbeddedBrokerTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    public async Task Mosquitto_clients_feed_the_twin_and_read_its_retained_state_through_the_embedded_broker()
    {
        string dir = Repo.TempDir("embedded-broker");
        var token = Twin.Service.Security.ApiTokens.Create();
        var other = Twin.Service.Security.ApiTokens.Create();
        string config = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(config, "site: lab\ncells:\n  - { id: coin-1, material: NMC811, q_li_Ah: 0.0045, c_li0: 0.95 }\n"
            + "  - { id: coin-2, material: NMC811, q_li_Ah: 0.0045, c_li0: 0.95 }\n"
            + $"api:\n  tokens:\n    - {{ name: smu-1, cells: [coin-1], hash: \"{token.Hash}\" }}\n    - {{ name: smu-2, cells: [coin-2], hash: \"{other.Hash}\" }}\n");
        int port = MosquittoBroker.FreePort();
        string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        string data = Path.Combine(dir, "data");
        string[] serveArgs = ["serve", "--config", config, "--data-dir", data, "--urls", api, "--no-dashboard", "--mqtt-listen", $"127.0.0.1:{port}"];
        string[] asSmu1 = ["-u", "smu-1", "-P", token.Token];
        var serve = _twin.Start(serveArgs, "serve");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            await TwinProcesses.WaitHealthyAsync(http);

            // mosquitto_pub returns after PUBACK, which the embedded broker sends once the samples are stored: the
            // API shows them at once, without waiting.
            long t0 = UnixTime.NowNs();
            var pub = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", "-i", "smu-1", .. asSmu1, "-t", "twin/v1/lab/coin-1/telemetry", "-m", Telemetry(t0, 1, 2)]);
            Assert.True(pub.ExitCode == 0, pub.StandardError);
            Assert.Equal(2, await AcceptedAsync(http));

            // the retained state, read by a stock MQTT 3.1.1 client (it must name itself: an empty client id is refused under 3.1.1)
            await using (var sub = MosquittoClients.Subscribe(port, ["-i", "watcher", .. asSmu1, "-t", "twin/v1/lab/coin-1/state", "-q", "1", "-C", "1", "-F", "MSG|%r|%p"]))
            {
                var state = (await sub.WaitForMessagesAsync(1))[0];
                Assert.StartsWith("1|", state, StringComparison.Ordinal); // retained flag
                Assert.Equal(2, JsonDocument.Parse(state[2..]).RootElement.GetProperty("seq").GetInt64());
            }

            // access rules: no credentials, the twin's own topics, another instrument's cell
            var anonymous = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", "-t", "twin/v1/lab/coin-1/telemetry", "-m", Telemetry(t0, 3, 3)]);
            Assert.NotEqual(0, anonymous.ExitCode);
            var fakeState = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", .. asSmu1, "-t", "twin/v1/lab/coin-1/state", "-m", "{}"]);
            // (mosquitto_pub exits 0 after a PUBACK with an error reason code; it prints the reason)
            Assert.Contains("Publish 1 failed: Not authorized", fakeState.StandardError + fakeState.StandardOutput, StringComparison.Ordinal);
            var foreignCell = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", .. asSmu1, "-t", "twin/v1/lab/coin-2/telemetry", "-m", Telemetry(t0, 1, 1)]);
            Assert.Contains("Publish 1 failed: Not authorized", foreignCell.StandardError + foreignCell.StandardOutput, StringComparison.Ordinal);
            var wrongToken = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", "-u", "smu-1", "-P", other.Token, "-t", "twin/v1/lab/coin-1/telemetry", "-m", Telemetry(t0, 3, 3)]);
            Assert.NotEqual(0, wrongToken.ExitCode);
            Assert.Equal(2, await AcceptedAsync(http));
            using (var cell2 = JsonDocument.Parse(await http.GetStringAsync("/api/cells/coin-2")))
                Assert.Equal(0, cell2.RootElement.GetProperty("sequence").GetProperty("accepted").GetInt64());

            // a second service on the same port: a clear error, not a hang
            var secondLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var second = _twin.Start(["serve", "--config", config, "--data-dir", Path.Combine(dir, "data-2"), "--urls", $"http://127.0.0.1:{MosquittoBroker.FreePort()}",
                "--no-dashboard", "--mqtt-listen", $"127.0.0.1:{port}"], "serve-2", secondLines.Enqueue);
            try
            {
                await second.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
            finally
            {
                if (!second.HasExited) second.Kill();
            }
            Assert.NotEqual(0, second.ExitCode);
            Assert.Contains(secondLines, l => l.Contains($"--mqtt-listen 127.0.0.1:{port}: the port is in use", StringComparison.Ordinal));

            // acknowledged, then killed: the samples are there after the restart
            pub = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", "-i", "smu-1", .. asSmu1, "-t", "twin/v1/lab/coin-1/telemetry", "-m", Telemetry(t0, 3, 4)]);
            Assert.True(pub.ExitCode == 0, pub.StandardError);
            serve.Kill();
            await serve.WaitForExitAsync();
            serve = _twin.Start(serveArgs, "serve-after-kill");
            await TwinProcesses.WaitHealthyAsync(http);
            Assert.Equal(4, await AcceptedAsync(http));
            pub = await MosquittoClients.PublishAsync(port, ["-V", "mqttv5", "-q", "1", "-i", "smu-1", .. asSmu1, "-t", "twin/v1/lab/coin-1/telemetry", "-m", Telemetry(t0, 5, 5)]);
            Assert.True(pub.ExitCode == 0, pub.StandardError);

            // stopped normally: the retained state is the first thing a new subscriber gets after the next start
            ProcessSignals.Terminate(serve);
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(File.Exists(Path.Combine(data, "broker", "retained.json")), "retained messages written at stop");
            serve = _twin.Start(serveArgs, "serve-after-stop");
            await TwinProcesses.WaitHealthyAsync(http);
            await using (var sub = MosquittoClients.Subscribe(port, ["-V", "mqttv5", .. asSmu1, "-t", "twin/v1/lab/coin-1/state", "-q", "1", "-C", "1", "-F", "MSG|%r|%p"]))
            {
                var state = (await sub.WaitForMessagesAsync(1))[0];
                Assert.StartsWith("1|", state, StringComparison.Ordinal);
                Assert.Equal(5, JsonDocument.Parse(state[2..]).RootElement.GetProperty("seq").GetInt64());
            }
        }
        finally
        {
            if (!serve.HasExited) serve.Kill();
            await serve.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Twin_drive_talks_to_its_embedded_twin_through_the_broker_where_a_stock_client_watches_the_run()
    {
        string dir = Repo.TempDir("drive-embedded-broker");
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Speed = 1200, PatternFolder = Path.Combine(dir, "patterns") });
        // the demo's experiment file: anonymous read on, so an anonymous client on this machine may subscribe
        string config = DemoExperiment.Write(dir, sim, new DemoOptions(dir, Speed: 1200, Cycles: 1));
        int port = MosquittoBroker.FreePort();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var drive = _twin.Start(["drive", "--config", config, "--data-dir", Path.Combine(dir, "data"), "--urls", $"http://127.0.0.1:{MosquittoBroker.FreePort()}",
            "--mqtt-listen", $"127.0.0.1:{port}"], "drive", lines.Enqueue);
        try
        {
            await Wait.UntilAsync(() => lines.Any(l => l.Contains("[step_start]", StringComparison.Ordinal)), "the protocol to start", TimeSpan.FromSeconds(120),
                () => string.Join("\n", lines.TakeLast(10)));
            await using var sub = MosquittoClients.Subscribe(port, ["-V", "mqttv5", "-t", "twin/v1/demo/coin-1/state", "-t", "twin/v1/demo/coin-1/telemetry", "-q", "1", "-F", "MSG|%t|%p"]);
            await sub.WaitSubscribedAsync();
            var seen = await sub.WaitForMessagesAsync(6, TimeSpan.FromSeconds(60));
            // the driver's samples and the twin's states that answer them, both through the broker
            var telemetry = seen.Where(m => m.StartsWith("twin/v1/demo/coin-1/telemetry|", StringComparison.Ordinal)).ToList();
            var states = seen.Where(m => m.StartsWith("twin/v1/demo/coin-1/state|", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m[(m.IndexOf('|') + 1)..])).ToList();
            Assert.NotEmpty(telemetry);
            Assert.NotEmpty(states);
            Assert.All(states, st => Assert.InRange(st.RootElement.GetProperty("c_li").GetDouble(), 0.3, 1.0));
            Assert.False(drive.HasExited, string.Join("\n", lines));
        }
        finally
        {
            if (!drive.HasExited) drive.Kill();
            await drive.WaitForExitAsync();
        }
    }

    private static async Task<long> AcceptedAsync(HttpClient http)
    {
        using var detail = JsonDocument.Parse(await http.GetStringAsync("/api/cells/coin-1"));
        return detail.RootElement.GetProperty("sequence").GetProperty("accepted").GetInt64();
    }

    /// <summary>A telemetry message (README "Topics and payloads") of samples <paramref name="from"/>…<paramref name="to"/>, 1 s apart, charging at 1 mA.</summary>
    private static string Telemetry(long t0, int from, int to)
    {
        var samples = Enumerable.Range(from, to - from + 1).Select(i => string.Create(CultureInfo.InvariantCulture,
            $$"""{"seq":{{i}},"time_unix_ns":{{t0 + i * 1_000_000_000L}},"voltage_V":{{3.9 + i * 0.001}},"current_A":0.001,"charge_Ah":{{i * 0.0000003}},"kind":"charge"}"""));
        return $$"""{"schema":1,"instrument":"smu-1","samples":[{{string.Join(',', samples)}}]}""";
    }
}
