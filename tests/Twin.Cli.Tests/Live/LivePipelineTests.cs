using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Data.Readers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Testing;
using Twin.Testing.Influx;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// The whole live path with real parts: <c>twin publish</c> plays the LG M50 file through a real Mosquitto
/// into <c>twin serve</c> (a separate process), which stores into a real InfluxDB. The service is killed
/// with SIGKILL halfway and started again.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class LivePipelineTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    private const int Samples = 6704;

    [Fact]
    public async Task Publish_through_mosquitto_into_serve_and_influxdb_survives_kill_9()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxServer.LaunchAsync("twin");
        string dir = Repo.TempDir("live");
        Process? serve = null;
        try
        {
            string config = Path.Combine(dir, "experiment.yaml");
            var reader = Twin.Service.Security.ApiTokens.Create();
            File.WriteAllText(config, "site: id31\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n"
                + $"api:\n  tokens:\n    - {{ name: test-reader, cells: [], hash: \"{reader.Hash}\" }}\n");
            int apiPort = MosquittoBroker.FreePort();
            string api = $"http://127.0.0.1:{apiPort}";
            string[] serveArgs = ["serve", "--config", config, "--mqtt", broker.Url, "--influx", influx.BaseUri.ToString(), "--db", "twin",
                "--data-dir", Path.Combine(dir, "data"), "--urls", api];
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", reader.Token);
            // Counts what the publisher sends, to see it go on while the service is down.
            long published = 0;
            await using var watcher = new MqttClient(MqttClientOptions.Parse(broker.Url) with { ClientId = "test-watcher" });
            var watching = watcher.SubscribeAsync(TwinTopics.Telemetry("id31", "lg-m50"), QualityOfService.AtMostOnce,
                (_, _) => { Interlocked.Increment(ref published); return ValueTask.CompletedTask; });
            await watcher.ConnectAsync();
            await watching;

            serve = _twin.Start(serveArgs, "serve-1");
            await TwinProcesses.WaitHealthyAsync(http);

            // About 50 h of data in about 25 s.
            var publish = _twin.Start(["publish", Repo.LgM50, "--cell", "lg-m50", "--site", "id31", "--speed", "7500", "--mqtt", broker.Url], "publish");
            // The kill follows the publisher, not the service: a loaded machine can leave the service thousands of samples
            // behind, and killing it at half its own progress could come after the publisher had finished. With half the file
            // still to be published, the broker has to queue for the service's session while it is down.
            await Wait.UntilAsync(async () => Interlocked.Read(ref published) >= Samples / 2 && (await LastSeqAsync(http)) >= 500,
                "half the file published and 500 samples applied", TimeSpan.FromSeconds(120),
                observed: () => $"{Interlocked.Read(ref published)} published");
            long seqAtKill = await LastSeqAsync(http);
            serve.Kill(); // SIGKILL: no shutdown code runs
            await serve.WaitForExitAsync();
            long publishedAtKill = Interlocked.Read(ref published);
            _twin.Log($"killed the service at seq {seqAtKill}, {publishedAtKill} published");
            // The publisher keeps going; the broker queues for the service's session: let it send 200 more messages meanwhile.
            await Wait.UntilAsync(() => Interlocked.Read(ref published) >= publishedAtKill + 200, "200 samples published while the service is down",
                observed: () => $"{Interlocked.Read(ref published) - publishedAtKill} published since the kill");

            serve = _twin.Start(serveArgs, "serve-2");
            await TwinProcesses.WaitHealthyAsync(http, "twin serve to be healthy again after the restart");
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(0, publish.ExitCode);
            await Wait.UntilAsync(async () => (await LastSeqAsync(http)) >= Samples - 1, "whole file applied", TimeSpan.FromSeconds(120));
            // Drained means every batch was answered 204 by InfluxDB, after which all its points are visible. Counting one
            // measurement until it is complete is no such point: InfluxDB shows a write series by series, and runs under
            // load read the twin points of the last write but not yet its telemetry points (73 and 341 of them, all there
            // a moment later).
            string? health = null;
            await Wait.UntilAsync(async () => SpoolPending(health = await TwinProcesses.TryGetAsync(http, "/health")) == 0,
                "the spool drained to InfluxDB", TimeSpan.FromSeconds(120), observed: () => "health: " + health);

            // Every sample stored once per measurement (a point written twice overwrites itself).
            long tel = await CountAsync(influx, "SELECT count(voltage_V) FROM telemetry");
            if (tel != Samples) await LogMissingAsync(influx, http, tel);
            Assert.Equal(Samples, tel);
            Assert.Equal(Samples, await CountAsync(influx, "SELECT count(c_li) FROM twin"));

            // The same zone transitions as twin replay.
            var expected = ReplayTransitions();
            var alarms = await influx.QueryRowsAsync("SELECT \"from\", \"to\", step, c_li FROM alarm");
            Assert.Equal(expected, alarms.Select(a => (a.GetString("from")!, a.GetString("to")!, (int)a.GetInt64("step")!.Value)).ToList());

            // c_Li continues without a jump across the kill: identical to the replay sample by sample.
            var cLi = (await influx.QueryRowsAsync("SELECT c_li FROM twin")).Select(r => r.GetDouble("c_li")!.Value).ToList();
            var replay = ReplayCLi();
            Assert.Equal(replay.Count, cLi.Count);
            double worst = replay.Zip(cLi, (a, b) => Math.Abs(a - b)).Max();
            _twin.Log($"largest |c_Li(live) − c_Li(replay)| = {worst:G3}");
            Assert.True(worst < 1e-9, $"c_Li differs from the replay by up to {worst}");

            var detail = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            _twin.Log(detail.GetProperty("sequence").ToString());
            Assert.Equal(0, detail.GetProperty("sequence").GetProperty("gaps").GetInt64());
        }
        finally
        {
            if (serve is { HasExited: false })
            {
                serve.Kill();
                await serve.WaitForExitAsync();
            }
            Directory.Delete(dir, true);
        }
    }

    // A count that differs says how many; this says which samples, in which measurement, and what the service saw.
    private async Task LogMissingAsync(InfluxServer influx, HttpClient http, long telemetryCount)
    {
        async Task<List<long>> SeqsAsync(string measurement) =>
            [.. (await influx.QueryRowsAsync($"SELECT seq FROM {measurement}")).Select(r => r.GetInt64("seq") ?? -1)];
        var telemetry = await SeqsAsync("telemetry");
        var twin = await SeqsAsync("twin");
        var inTelemetry = telemetry.ToHashSet();
        var inTwin = twin.ToHashSet();
        _twin.Log($"telemetry: count {telemetryCount}, {telemetry.Count} rows, {inTelemetry.Count} distinct seq; twin: {twin.Count} rows, {inTwin.Count} distinct seq");
        _twin.Log("in twin, not in telemetry: " + string.Join(",", inTwin.Except(inTelemetry).Order().Take(50)));
        _twin.Log("in telemetry, not in twin: " + string.Join(",", inTelemetry.Except(inTwin).Order().Take(50)));
        _twin.Log("telemetry count read again: " + await CountAsync(influx, "SELECT count(voltage_V) FROM telemetry"));
        _twin.Log("health: " + await TwinProcesses.TryGetAsync(http, "/health"));
    }

    private static long SpoolPending(string? health)
    {
        if (health is null) return -1;
        using var doc = JsonDocument.Parse(health);
        return doc.RootElement.GetProperty("metrics").GetProperty("twin_spool_pending_records").GetInt64();
    }

    private static async Task<long> LastSeqAsync(HttpClient http)
    {
        string? json = await TwinProcesses.TryGetAsync(http, "/api/cells/lg-m50");
        if (json is null) return -1;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("sequence").TryGetProperty("last_seq", out var last) ? last.GetInt64() : -1;
    }

    private static async Task<long> CountAsync(InfluxServer influx, string query)
    {
        var rows = await influx.QueryRowsAsync(query);
        return rows.Count == 0 ? 0 : rows[0].GetInt64("count") ?? 0;
    }

    private static CellTwin NewTwin() => new(CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));

    private static List<(string, string, int)> ReplayTransitions()
    {
        var twin = NewTwin();
        using var reader = CyclerFileReader.Open(Repo.LgM50);
        var list = new List<(string, string, int)>();
        foreach (var s in reader)
        {
            var o = twin.Update(s);
            if (o.ZoneChanged) list.Add((o.PreviousZone.Name(), o.Zone.Name(), o.Step));
        }
        return list;
    }

    private static List<double> ReplayCLi()
    {
        var twin = NewTwin();
        using var reader = CyclerFileReader.Open(Repo.LgM50);
        return reader.Select(s => twin.Update(s).CLi).ToList();
    }
}
