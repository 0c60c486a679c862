using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Testing;

namespace Twin.Service.Tests;

/// <summary>A real service restart on a checkpoint damaged on disk: loud (health, API), resumed from the newest intact state
/// (never from c_Li0), and the samples stored after that state applied again from the spool.</summary>
public sealed class CorruptedCheckpointServiceTests : IDisposable
{
    private readonly string _dir = RepoPaths.TempDir("ckpt-service");
    private readonly string _config;

    public CorruptedCheckpointServiceTests()
    {
        _config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(_config, "site: lab\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("lg-m50"));
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private async Task<(WebApplication App, InProcessBus Bus, HttpClient Http)> StartAsync()
    {
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(_config, Path.Combine(_dir, "data"), "http://127.0.0.1:0") { Bus = bus }, l => l.SetMinimumLevel(LogLevel.Critical));
        await app.StartAsync();
        return (app, bus, TestApi.Client(app));
    }

    private static async Task<JsonElement> CellAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");

    [Fact]
    public async Task A_damaged_newest_checkpoint_makes_health_degraded_and_the_cell_resumes_from_the_generation_before()
    {
        var wire = EmbeddedServiceTests.LgM50Wire().Take(2000).ToList();
        var (app, bus, http) = await StartAsync();
        double cLiBefore = 0, cLiLast = 0;
        foreach (var chunk in wire.Chunk(100))
        {
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            long last = chunk[^1].Seq;
            await Wait.UntilAsync(async () => (await CellAsync(http)).GetProperty("sequence").GetProperty("last_seq").ValueKind == JsonValueKind.Number
                && (await CellAsync(http)).GetProperty("sequence").GetProperty("last_seq").GetInt64() == last, $"seq {last} applied");
            double cLi = (await CellAsync(http)).GetProperty("summary").GetProperty("c_li").GetDouble();
            if (last == wire[^101].Seq) cLiBefore = cLi;
            cLiLast = cLi;
        }
        await app.StopAsync();
        await app.DisposeAsync();

        string log = Path.Combine(_dir, "data", "state", "checkpoints.log");
        // Damage every record of the last state (the last flush and the stop's own mark hold the same seq): the newest
        // intact one is then the flush of the message before.
        var lines = File.ReadAllLines(log);
        string lastState = $"\"last_seq\":{wire[^1].Seq},";
        int damaged = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains(lastState, StringComparison.Ordinal)) continue;
            lines[i] = lines[i][..40] + "#####" + lines[i][45..];
            damaged++;
        }
        Assert.InRange(damaged, 1, 2);
        File.WriteAllLines(log, lines);

        (app, bus, http) = await StartAsync();
        await using (app)
        {
            using var health = await http.GetAsync("/health");
            string text = await health.Content.ReadAsStringAsync();
            Assert.Contains("\"degraded\"", text, StringComparison.Ordinal);
            Assert.Contains("checkpoints.log line", text, StringComparison.Ordinal);
            Assert.Contains("lab/lg-m50", text, StringComparison.Ordinal);
            // Resumed from the generation before (not from c_Li0) ...
            string resumed = $"after seq {wire[^101].Seq}, c_Li {cLiBefore.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}";
            Assert.True(text.Contains(resumed, StringComparison.Ordinal), $"'{resumed}' expected in /health: {text}");
            Assert.NotEqual(0.80, cLiBefore);
            // ... and the last message's samples, in the spool but no longer in an intact checkpoint, applied again from it.
            var cell = await CellAsync(http);
            Assert.Equal(wire[^1].Seq, cell.GetProperty("sequence").GetProperty("last_seq").GetInt64());
            Assert.Equal(cLiLast, cell.GetProperty("summary").GetProperty("c_li").GetDouble());
            await app.StopAsync();
        }
    }
    [Fact]
    public async Task A_checkpoint_torn_by_a_crash_leaves_health_healthy_and_its_samples_are_applied_again_from_the_spool()
    {
        var wire = EmbeddedServiceTests.LgM50Wire().Take(1000).ToList();
        var (app, bus, http) = await StartAsync();
        double cLiLast = 0;
        foreach (var chunk in wire.Chunk(100))
        {
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            long last = chunk[^1].Seq;
            await Wait.UntilAsync(async () => (await CellAsync(http)).GetProperty("sequence").GetProperty("last_seq") is { ValueKind: JsonValueKind.Number } s
                && s.GetInt64() == last, $"seq {last} applied");
            cLiLast = (await CellAsync(http)).GetProperty("summary").GetProperty("c_li").GetDouble();
        }
        await app.StopAsync();
        await app.DisposeAsync();

        // What SIGKILL during the last message's checkpoint leaves: that state's records gone but for the first half of
        // one, without its newline (the stop's own mark is dropped too: the process never stopped normally).
        string log = Path.Combine(_dir, "data", "state", "checkpoints.log");
        var lines = File.ReadAllLines(log).ToList();
        string lastState = $"\"last_seq\":{wire[^1].Seq},";
        string torn = lines.First(l => l.Contains(lastState, StringComparison.Ordinal));
        lines.RemoveAll(l => l.Contains(lastState, StringComparison.Ordinal));
        File.WriteAllText(log, string.Concat(lines.Select(l => l + "\n")) + torn[..(torn.Length / 2)]);

        (app, bus, http) = await StartAsync();
        await using (app)
        {
            using var health = await http.GetAsync("/health");
            string text = await health.Content.ReadAsStringAsync();
            Assert.Contains("\"status\":\"healthy\"", text, StringComparison.Ordinal);
            Assert.Contains("1 checkpoint write(s) torn by a crash set aside", text, StringComparison.Ordinal);
            var cell = await CellAsync(http);
            Assert.Equal(wire[^1].Seq, cell.GetProperty("sequence").GetProperty("last_seq").GetInt64());
            Assert.Equal(cLiLast, cell.GetProperty("summary").GetProperty("c_li").GetDouble());
            await app.StopAsync();
        }
    }
}
