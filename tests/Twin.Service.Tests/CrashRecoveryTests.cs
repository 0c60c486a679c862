using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Hosting;
using Twin.Service.Ingest;
using Twin.Service.State;
using Twin.Service.Storage;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;

namespace Twin.Service.Tests;

/// <summary>
/// The crash window between the spool and the checkpoint: a batch is on disk in the spool but the cell's checkpoint
/// still stands before it (the process died between the two fsyncs). Built on disk exactly as the service leaves it;
/// the next start applies the batch from the spool, so the instrument's re-sent request stores nothing twice.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-recover-" + Guid.NewGuid().ToString("N"));
    private string Config => Path.Combine(_dir, "experiment.yaml");
    private string Data => Path.Combine(_dir, "data");
    private static readonly ExperimentCell Cell = new("lab", CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Config, "site: lab\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("lg-m50"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, HttpClient Http)> StartAsync()
    {
        var app = TwinServer.Build(new ServeOptions(Config, Data, "http://127.0.0.1:0"), l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return (app, TestApi.Client(app));
    }

    private static StringContent Json(IEnumerable<TelemetrySample> samples) =>
        new(Encoding.UTF8.GetString(TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. samples] })), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_batch_in_the_spool_but_not_in_the_checkpoint_is_applied_at_start_and_never_stored_twice()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, http) = await StartAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/cells/lg-m50/telemetry", Json(wire.Take(100)))).StatusCode);
        await app.StopAsync();
        await app.DisposeAsync();

        // What a crash between the two fsyncs leaves: samples 100..119 in the spool, the checkpoint at seq 99 (not a normal stop).
        await using (var checkpoints = new CheckpointStore(Path.Combine(Data, "state")))
        {
            var saved = checkpoints.Get("lab", "lg-m50")!;
            Assert.True(saved.CleanStop);
            var rt = new CellRuntime(Cell, saved);
            var batch = rt.Apply(WireSamples.Of(new TelemetryMessage { Samples = [.. wire.Skip(100).Take(20)] }, Cell), null, WireSamples.Now);
            var points = new List<LinePoint>();
            TwinPoints.Append(batch, points);
            await using (var spool = PointSpool.Open(new SpoolOptions { Directory = Path.Combine(Data, "spool") })) await spool.WriteAsync(points);
            await checkpoints.SaveAsync(saved with { CleanStop = false, SavedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000 });
        }

        (app, http) = await StartAsync();
        try
        {
            var detail = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            Assert.Equal(119, detail.GetProperty("sequence").GetProperty("last_seq").GetInt64());
            // The instrument re-sends what it was not told was stored, and goes on.
            var again = await http.PostAsync("/api/cells/lg-m50/telemetry", Json(wire.Skip(100).Take(40)));
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            var answer = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal((20, 20), (answer.GetProperty("stored").GetInt32(), answer.GetProperty("duplicates").GetInt32()));
            var twin = new CellTwin(Cell.Config);
            using var reader = CyclerFileReader.Open(EmbeddedServiceTests.RepoFile("lg-m50-nmc811-maccor.txt"));
            double replay = reader.Take(140).Select(s => twin.Update(s).CLi).ToList()[^1];
            double live = (await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50")).GetProperty("summary").GetProperty("c_li").GetDouble();
            Assert.Equal(replay, live, 12);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var seqs = SpoolReader.ReadPoints(Path.Combine(Data, "spool")).Where(p => p.Measurement == "telemetry").Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(Enumerable.Range(0, 140).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task After_a_normal_stop_the_start_does_not_read_the_spool_back()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, http) = await StartAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/cells/lg-m50/telemetry", Json(wire.Take(100)))).StatusCode);
        await app.StopAsync();
        await app.DisposeAsync();
        // A foreign record the start would apply if it read the spool: it must not.
        await using (var spool = PointSpool.Open(new SpoolOptions { Directory = Path.Combine(Data, "spool") }))
        {
            var rt = new CellRuntime(Cell, null);
            var points = new List<LinePoint>();
            TwinPoints.Append(rt.Apply(WireSamples.Of(new TelemetryMessage { Samples = [wire[5000]] }, Cell), null, WireSamples.Now), points);
            await spool.WriteAsync(points);
        }
        (app, http) = await StartAsync();
        try
        {
            Assert.Equal(99, (await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50")).GetProperty("sequence").GetProperty("last_seq").GetInt64());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        await using var checkpoints = new CheckpointStore(Path.Combine(Data, "state"));
        Assert.True(checkpoints.Get("lab", "lg-m50")!.CleanStop);
    }
}
