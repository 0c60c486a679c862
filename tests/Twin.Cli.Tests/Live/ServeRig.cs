using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Storage.Spool;
using Twin.Testing;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// One <c>twin serve --mqtt</c> process at a time on a one-cell experiment (site <c>lab</c>, cell <c>c1</c>), with
/// its data directory and API address kept across restarts, and helpers to publish numbered samples and to read
/// back what the spool holds.
/// </summary>
internal sealed class ServeRig : IAsyncDisposable
{
    private readonly TwinProcesses _twin;
    private readonly string _config;

    public ServeRig(TwinProcesses twin, string mqttUrl, string? dataDir = null)
    {
        _twin = twin;
        Directory = Repo.TempDir("serve");
        _config = Path.Combine(Directory, "experiment.yaml");
        File.WriteAllText(_config, "site: lab\ncells:\n  - id: c1\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n"
            + $"api:\n  tokens:\n    - {{ name: test-reader, cells: [], hash: \"{Reader.Hash}\" }}\n");
        DataDir = dataDir ?? Path.Combine(Directory, "data");
        MqttUrl = mqttUrl;
        Api = $"http://127.0.0.1:{Twin.Testing.Mosquitto.MosquittoBroker.FreePort()}";
        Http = new HttpClient { BaseAddress = new Uri(Api) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Reader.Token);
    }

    /// <summary>A read-only API token of the experiment (the service's API needs a credential to read).</summary>
    private static readonly (string Token, string Hash) Reader = Twin.Service.Security.ApiTokens.Create();

    public string Directory { get; }

    public string DataDir { get; }

    public string MqttUrl { get; set; }

    public string Api { get; }

    public HttpClient Http { get; }

    public Process? Process { get; private set; }

    private int _runs;

    /// <summary>Starts <c>twin serve</c> (does not wait for it).</summary>
    public Process Start(params string[] extra)
    {
        string[] args = ["serve", "--config", _config, "--mqtt", MqttUrl, "--data-dir", DataDir, "--urls", Api, "--no-dashboard", .. extra];
        Process = _twin.Start(args, $"serve-{++_runs}");
        return Process;
    }

    /// <summary>Starts it and waits until it is ready (healthy: connected and subscribed).</summary>
    public async Task<Process> StartConnectedAsync(params string[] extra)
    {
        var p = Start(extra);
        await WaitHealthyAsync();
        return p;
    }

    /// <summary>Waits until /health says healthy: broker connected and every cell subscribed.</summary>
    public Task WaitHealthyAsync() => TwinProcesses.WaitHealthyAsync(Http);

    /// <summary>The /health body (also when it answers 503), or null when the service does not answer.</summary>
    public async Task<string?> HealthAsync()
    {
        try
        {
            using var response = await Http.GetAsync("/health");
            return await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, then waits for the exit and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        var p = Process!;
        ProcessSignals.Terminate(p);
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return p.ExitCode;
    }

    /// <summary>The cell's last applied sequence number, or -1 (no sample yet, or no answer).</summary>
    public async Task<long> LastSeqAsync()
    {
        string? json = await TwinProcesses.TryGetAsync(Http, "/api/cells/c1");
        if (json is null) return -1;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("sequence").TryGetProperty("last_seq", out var last) && last.ValueKind == JsonValueKind.Number ? last.GetInt64() : -1;
    }

    public Task WaitForSeqAsync(long seq) =>
        Wait.UntilAsync(async () => await LastSeqAsync() >= seq, $"the service to apply seq {seq}", observed: () => $"last_seq {LastSeqAsync().Result}");

    /// <summary>Publishes samples [from, from + count) of cell c1 at QoS 1, ten per message; completes when the broker has them all.</summary>
    public static async Task PublishAsync(string mqttUrl, long from, int count, string clientId = "test-publisher")
    {
        await using var publisher = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(mqttUrl) with { ClientId = clientId });
        const long start = 1_700_000_000_000_000_000;
        for (long seq = from; seq < from + count; seq += 10)
        {
            var samples = new List<TelemetrySample>();
            for (long s = seq; s < Math.Min(seq + 10, from + count); s++)
                samples.Add(new TelemetrySample { Seq = s, TimeUnixNs = start + s * 1_000_000_000, VoltageV = 3.8, CurrentA = 0.4, ChargeAh = s * 0.4 / 3600, Step = 1, Kind = "charge" });
            await publisher.PublishAsync(new BusMessage(TwinTopics.Telemetry("lab", "c1"), TwinPayloads.Serialize(new TelemetryMessage { Samples = samples }),
                QualityOfService.AtLeastOnce));
        }
    }

    /// <summary>Sequence numbers of the telemetry points in the spool (with repeats, in spool order).</summary>
    public List<long> SpooledSeqs() =>
        [.. SpoolReader.ReadPoints(Path.Combine(DataDir, "spool")).Where(p => p.Measurement == "telemetry").Select(p => p.GetField("seq")!.Value.IntegerValue)];

    public async ValueTask DisposeAsync()
    {
        if (Process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        Http.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
