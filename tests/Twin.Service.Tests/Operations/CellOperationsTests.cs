using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Hosting;
using Twin.Service.Ingest;
using Twin.Service.Operations;
using Twin.Service.Security;
using Twin.Testing;

namespace Twin.Service.Tests.Operations;

/// <summary>Settings changes and acknowledgements through the running service (embedded bus, real Kestrel, files on disk).</summary>
public sealed class CellOperationsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-ops-").FullName;
    private string Config => Path.Combine(_dir, "experiment.yaml");
    private string DataDir => Path.Combine(_dir, "data");

    public Task InitializeAsync()
    {
        File.WriteAllText(Config, "site: lab\ncells:\n  - { id: lg-m50, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }\n" + TestApi.Section());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, InProcessBus Bus)> StartAsync()
    {
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(Config, DataDir, "http://127.0.0.1:0") { Bus = bus }, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return (app, bus);
    }

    [Fact]
    public async Task Only_an_operator_changes_settings_and_the_change_is_audited_and_outlives_a_restart()
    {
        var (app, _) = await StartAsync();
        var ops = app.Services.GetRequiredService<CellOperations>();
        var rt = app.Services.GetRequiredService<TwinIngestService>().Find("lg-m50")!;
        var next = CellOperations.SettingsOf(rt) with { CLiMin = 0.44 };

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ops.ChangeSettingsAsync(rt, next, new Actor("vic", TwinRoles.Viewer)));
        Assert.Contains("vic (viewer) may not change a cell's settings", refused.Message);
        Assert.Equal(0.40, rt.Cell.Config.Cutoff.CLiMin);
        await Assert.ThrowsAsync<ArgumentException>(() => ops.ChangeSettingsAsync(rt, next with { Critical = 0.9 }, new Actor("olga", TwinRoles.Operator)));
        Assert.Equal(0.40, rt.Cell.Config.Limits.CriticalCLi);

        var diff = await ops.ChangeSettingsAsync(rt, next, new Actor("olga", TwinRoles.Operator, "127.0.0.1"));
        Assert.Equal(["c_li_min: 0.4 → 0.44"], diff);
        Assert.Equal(0.44, rt.Cell.Config.Cutoff.CLiMin);
        var entry = ops.Audit.Latest().First();
        Assert.Equal(("olga", "settings", "lab/lg-m50", "c_li_min: 0.4 → 0.44"), (entry.User, entry.Action, entry.Target, entry.Detail));
        await app.StopAsync();
        await app.DisposeAsync();

        (app, _) = await StartAsync();
        await using (app)
        {
            var http = TestApi.Client(app);
            var detail = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            Assert.Equal(0.44, detail.GetProperty("limits").GetProperty("c_li_min").GetDouble());
            Assert.Equal("olga", app.Services.GetRequiredService<CellOperations>().Audit.Latest().First().User);
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task A_crossing_raises_an_alarm_that_an_operator_acknowledges_on_the_retained_alarm_topic()
    {
        var (app, bus) = await StartAsync();
        await using var _ = app;
        var payloads = new List<AlarmPayload>();
        await using var sub = await bus.SubscribeAsync("twin/v1/lab/lg-m50/alarm", QualityOfService.AtLeastOnce, (m, _) =>
        {
            lock (payloads) payloads.Add(JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.AlarmPayload)!);
            return ValueTask.CompletedTask;
        });
        var wire = EmbeddedServiceTests.LgM50Wire();
        var alarms = app.Services.GetRequiredService<AlarmBook>();
        foreach (var chunk in wire.Chunk(50))
        {
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            if (alarms.All().Count > 0) break;
        }
        await Wait.UntilAsync(() => alarms.All().Count > 0, "an alarm to be raised");
        var raised = Assert.Single(alarms.All());
        Assert.Equal("critical", raised.Zone);
        // The zone follows the lower bound c_Li − 2σ: after 0.355 of Q_Li counted, σ = √(0.02² + (0.355·0.03)²) = 0.0226,
        // so the bound reaches 0.40 when c_Li itself is about 0.445.
        Assert.InRange(raised.CLi, 0.44, 0.45);

        var ops = app.Services.GetRequiredService<CellOperations>();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ops.AcknowledgeAsync(raised.Id, null, new Actor("vic", TwinRoles.Viewer)));
        var acked = await ops.AcknowledgeAsync(raised.Id, "beam on hold", new Actor("olga", TwinRoles.Operator));
        Assert.Equal(("olga", "beam on hold"), (acked.AcknowledgedBy, acked.Note));
        await Wait.UntilAsync(() => payloads.ToArray().Any(p => p.AcknowledgedBy == "olga"), "the alarm message acknowledged by olga");
        var last = payloads.ToArray().Last(p => p.AlarmId == raised.Id);
        Assert.Equal((true, "olga"), (last.Acknowledged, last.AcknowledgedBy));
        Assert.Equal("acknowledge", ops.Audit.Latest().First().Action);
        await app.StopAsync();
    }
}
