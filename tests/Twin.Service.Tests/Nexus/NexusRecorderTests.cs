using System.Text.Json;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Twin.Service.Hosting;
using Twin.Service.Nexus;
using Twin.Testing;
using Twin.Testing.Api;
using Twin.Testing.Nexus;

namespace Twin.Service.Tests.Nexus;

/// <summary>
/// The service's experiment.nxs, read with h5py: the LG M50 file streamed through the embedded service in two halves
/// with a restart between them (and samples redelivered after it) gives one c_Li per sample, equal to the replay's.
/// </summary>
public sealed class NexusRecorderTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-nexus-svc-" + Guid.NewGuid().ToString("N"));
    private string _config = "";

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(_config, "site: lab\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("lg-m50"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    private async Task<(Microsoft.AspNetCore.Builder.WebApplication App, InProcessBus Bus, HttpClient Http)> StartAsync(int maxPendingRows = NexusWriteBudget.DefaultMaxPendingRows)
    {
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(_config, Path.Combine(_dir, "data"), "http://127.0.0.1:0")
        {
            Bus = bus,
            NexusMaxPendingRows = maxPendingRows,
            NexusFlushInterval = maxPendingRows == NexusWriteBudget.DefaultMaxPendingRows ? TimeSpan.FromSeconds(30) : TimeSpan.FromHours(1),
        }, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return (app, bus, TestApi.Client(app));
    }

    private static async Task PublishAsync(InProcessBus bus, IEnumerable<TelemetrySample> samples, HttpClient http, long lastSeq)
    {
        foreach (var chunk in samples.Chunk(50))
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
        await Wait.UntilAsync(async () => CellDetailJson.LastSeq(JsonDocument.Parse(await http.GetStringAsync("/api/cells/lg-m50")).RootElement) >= lastSeq,
            $"the service to apply seq {lastSeq}");
    }

    [Fact]
    public async Task A_restart_extends_the_file_and_it_holds_one_c_li_per_applied_sample_equal_to_the_replay()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        int half = wire.Count / 2;
        var (app, bus, http) = await StartAsync();
        await PublishAsync(bus, wire.Take(half), http, half - 1);
        var driverEvent = new DriverEventPayload { TimeUnixNs = wire[10].TimeUnixNs, Kind = "step_start", Step = 2, Message = "cycle 1: Charge at C/5 until 4.2 V" };
        await bus.PublishAsync(new BusMessage(TwinTopics.Event("lab", "lg-m50"), TwinPayloads.Serialize(driverEvent)));
        await app.StopAsync();
        await app.DisposeAsync();
        string path = Path.Combine(_dir, "data", "experiment.nxs");
        var first = await H5Py.DumpAsync(path);
        Assert.Equal(half, first.GetProperty("datasets").GetProperty("/lg-m50/twin/c_li").GetProperty("shape")[0].GetInt32());

        // a new process on the same data directory; the instrument re-sends its last 100 samples
        (app, bus, http) = await StartAsync();
        await PublishAsync(bus, wire.Skip(half - 100), http, wire.Count - 1);
        await app.StopAsync();
        await app.DisposeAsync();

        var twin = new CellTwin(CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
        var replay = new List<double>();
        using (var reader = CyclerFileReader.Open(EmbeddedServiceTests.RepoFile("lg-m50-nmc811-maccor.txt")))
            foreach (var s in reader) replay.Add(twin.Update(s).CLi);
        var ds = (await H5Py.DumpAsync(path)).GetProperty("datasets");
        Assert.Equal(replay, ds.GetProperty("/lg-m50/twin/c_li").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(wire.Select(w => (double)w.VoltageV!), ds.GetProperty("/lg-m50/electrochemistry/voltage").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(wire.Count, ds.GetProperty("/lg-m50/twin/c_li_errors").GetProperty("shape")[0].GetInt32());
        Assert.Equal(EmbeddedServiceTests.ReplayTransitions().Count, ds.GetProperty("/lg-m50/alarms/message").GetProperty("shape")[0].GetInt32());
        Assert.Contains("cycle 1: Charge at C/5 until 4.2 V", ds.GetProperty("/lg-m50/events/message").GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.True(ds.GetProperty("/lg-m50/cycles/cycle").GetProperty("shape")[0].GetInt32() >= 1);
    }

    [Fact]
    public async Task States_beyond_the_write_budget_are_left_out_as_a_noted_gap_and_recording_resumes_after_the_next_write()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, bus, http) = await StartAsync(maxPendingRows: 100);
        var recorder = app.Services.GetRequiredService<NexusRecorder>();
        await PublishAsync(bus, wire.Take(150), http, 149);
        Assert.Equal(100, recorder.PendingRows); // the first 100 wait for the write, the next 50 are left out

        Assert.True(recorder.FlushNow());
        Assert.Equal(0, recorder.PendingRows);
        await PublishAsync(bus, wire.Skip(150).Take(50), http, 199);
        await app.StopAsync();
        await app.DisposeAsync();

        var ds = (await H5Py.DumpAsync(Path.Combine(_dir, "data", "experiment.nxs"))).GetProperty("datasets");
        var voltage = ds.GetProperty("/lg-m50/electrochemistry/voltage").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(wire.Take(100).Concat(wire.Skip(150).Take(50)).Select(w => (double)w.VoltageV!), voltage);
        AssertOneGap(ds, wire[100], wire[149]);
    }

    [Fact]
    public async Task A_gap_still_open_at_a_stop_is_noted_in_the_last_write()
    {
        var wire = EmbeddedServiceTests.LgM50Wire();
        var (app, bus, http) = await StartAsync(maxPendingRows: 100);
        await PublishAsync(bus, wire.Take(150), http, 149);
        await app.StopAsync();
        await app.DisposeAsync();

        var ds = (await H5Py.DumpAsync(Path.Combine(_dir, "data", "experiment.nxs"))).GetProperty("datasets");
        Assert.Equal(100, ds.GetProperty("/lg-m50/twin/c_li").GetProperty("shape")[0].GetInt32());
        AssertOneGap(ds, wire[100], wire[149]);
    }

    private static void AssertOneGap(JsonElement datasets, TelemetrySample first, TelemetrySample last)
    {
        static string Iso(long ns) => DateTime.UnixEpoch.AddTicks(ns / 100).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var gap = Assert.Single(datasets.GetProperty("/lg-m50/events/message").GetProperty("values").EnumerateArray().Select(v => v.GetString()!),
            m => m.Contains("are not in this file: the file's writer was behind", StringComparison.Ordinal));
        Assert.Contains($"from {Iso(first.TimeUnixNs)} to {Iso(last.TimeUnixNs)} ", gap);
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 30)]
    [InlineData(2, 40)]
    [InlineData(60, 1200)]
    public void The_writer_waits_the_interval_or_twenty_times_its_last_write(double lastWriteS, double waitS) =>
        Assert.Equal(TimeSpan.FromSeconds(waitS), new NexusWriteBudget(TimeSpan.FromSeconds(30)).NextWait(TimeSpan.FromSeconds(lastWriteS)));
}
