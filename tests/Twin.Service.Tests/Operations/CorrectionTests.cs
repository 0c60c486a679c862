using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Service.Ingest;
using Twin.Service.Operations;
using Twin.Service.Security;

namespace Twin.Service.Tests.Operations;

/// <summary>
/// Operator corrections of c_Li, c_Li0 and Q_Li and a changed experiment file on restart, through the running service
/// (embedded bus, real Kestrel on loopback, files on disk, telemetry posted over HTTP).
/// </summary>
public sealed class CorrectionTests : IAsyncLifetime
{
    private const string Cell = "lg-m50";
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-corr-").FullName;
    private string Config => Path.Combine(_dir, "experiment.yaml");
    private string DataDir => Path.Combine(_dir, "data");
    private static readonly Actor Olga = new("olga", TwinRoles.Operator, "127.0.0.1");

    public Task InitializeAsync()
    {
        WriteConfig(0.80, 8.732);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    private void WriteConfig(double cLi0, double qLiAh) => File.WriteAllText(Config, string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"site: lab\ncells:\n  - {{ id: {Cell}, material: NMC811, q_li_Ah: {qLiAh}, c_li0: {cLi0} }}\n") + TestApi.Section(Cell));

    private async Task<WebApplication> StartAsync()
    {
        var app = TwinServer.Build(new ServeOptions(Config, DataDir, "http://127.0.0.1:0"), l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return app;
    }

    private static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Posts the first samples of the LG M50 file (its first charge) over HTTP with the instrument's token.</summary>
    private static async Task PostSamplesAsync(WebApplication app, int count)
    {
        using var http = TestApi.Client(app);
        foreach (var chunk in EmbeddedServiceTests.LgM50Wire().Take(count).Chunk(100))
        {
            var body = new StringContent(Encoding.UTF8.GetString(TwinPayloads.Serialize(new TelemetryMessage { Instrument = "maccor", Samples = [.. chunk] })),
                Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/cells/{Cell}/telemetry", body)).StatusCode);
        }
    }

    private static CellRuntime CellOf(WebApplication app) => app.Services.GetRequiredService<TwinIngestService>().Find(Cell)!;

    private static async Task<string> HealthOfExperimentAsync(WebApplication app)
    {
        using var http = TestApi.Client(app);
        var health = await http.GetFromJsonAsync<JsonElement>("/health");
        return health.GetProperty("checks").GetProperty("experiment").GetString()!;
    }

    [Fact]
    public async Task An_operator_correction_is_checked_applied_audited_and_outlives_a_restart()
    {
        var app = await StartAsync();
        double cLi, priorCLi0;
        try
        {
            await PostSamplesAsync(app, 600);
            var ops = app.Services.GetRequiredService<CellOperations>();
            var rt = CellOf(app);
            double before = rt.Snapshot.CLi;

            var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ops.CorrectAsync(rt, new LithiumCorrection(CLi0: 0.85), new Actor("vic", TwinRoles.Viewer)));
            Assert.Contains("vic (viewer) may not correct a cell's lithium content", refused.Message);
            var bad = await Assert.ThrowsAsync<ArgumentException>(() => ops.CorrectAsync(rt, new LithiumCorrection(CLi0: 0.85, CLi: 0.5), Olga));
            Assert.Contains("c_li_sigma must be a finite number > 0 with c_li", bad.Message);
            await Assert.ThrowsAsync<ArgumentException>(() => ops.CorrectAsync(rt, new LithiumCorrection(QLiAh: double.NaN), Olga));
            await Assert.ThrowsAsync<ArgumentException>(() => ops.CorrectAsync(rt, new LithiumCorrection(CLi: 1.5, CLiSigma: 0.01), Olga));
            await Assert.ThrowsAsync<ArgumentException>(() => ops.CorrectAsync(rt, new LithiumCorrection(), Olga));
            Assert.Equal(before, rt.Snapshot.CLi);
            Assert.Equal(0.80, rt.Twin.Estimator.PriorCLi0);
            Assert.DoesNotContain(ops.Audit.Latest(), e => e.Action == "correction");

            var reply = await ops.CorrectAsync(rt, new LithiumCorrection(CLi0: 0.85, Note: "active mass re-weighed"), Olga);
            // counting only so far: the estimate moves by exactly the change of c_Li0
            Assert.Equal(before + 0.05, reply.CLi, 9);
            Assert.Equal(reply.CLi, rt.Snapshot.CLi);
            Assert.Equal(reply.CLi - 2 * reply.CLiSigma, reply.CLiLowerBound, 12);
            var entry = ops.Audit.Latest().First();
            Assert.Equal(("olga", "correction", "lab/" + Cell), (entry.User, entry.Action, entry.Target));
            Assert.StartsWith("c_li0: 0.8000 → 0.8500 (c_Li ", entry.Detail);
            Assert.EndsWith(": active mass re-weighed", entry.Detail);

            var set = await ops.CorrectAsync(rt, new LithiumCorrection(CLi: 0.60, CLiSigma: 0.005), Olga);
            // a measurement at the last sample, combined with the estimate by its σ (σ of the prior change unchanged)
            double s2 = reply.CLiSigma * reply.CLiSigma;
            Assert.Equal(reply.CLi + s2 / (s2 + 0.005 * 0.005) * (0.60 - reply.CLi), set.CLi, 9);
            Assert.True(set.CLiSigma < 0.005);
            Assert.StartsWith("c_li: ", ops.Audit.Latest().First().Detail);
            (cLi, priorCLi0) = (rt.Twin.CLi, rt.Twin.Estimator.PriorCLi0);
        }
        finally
        {
            await StopAsync(app);
        }

        app = await StartAsync();
        try
        {
            var rt = CellOf(app);
            Assert.Equal(cLi, rt.Twin.CLi);
            Assert.Equal(0.85, priorCLi0);
            Assert.Equal(0.85, rt.Twin.Estimator.PriorCLi0);
            Assert.Empty(rt.ResumeChanges);
            // the counted c_Li keeps counting with the experiment file's values
            Assert.Equal(0.80 - rt.Twin.Estimator.ChargeAh / 8.732, rt.Twin.Estimator.CountedCLi, 12);
            Assert.Equal("c_li0 and q_li_Ah as in the checkpoints", await HealthOfExperimentAsync(app));
        }
        finally
        {
            await StopAsync(app);
        }
    }

    [Fact]
    public async Task A_changed_c_li0_in_the_experiment_file_is_applied_on_restart_shown_in_health_and_audited_once()
    {
        var app = await StartAsync();
        double cLi;
        try
        {
            await PostSamplesAsync(app, 600);
            cLi = CellOf(app).Twin.CLi;
        }
        finally
        {
            await StopAsync(app);
        }

        WriteConfig(0.78, 8.732);
        app = await StartAsync();
        try
        {
            var rt = CellOf(app);
            var change = Assert.Single(rt.ResumeChanges);
            Assert.Equal((0.80, 0.78), (change.Before, change.After));
            Assert.Equal(cLi - 0.02, rt.Twin.CLi, 9);
            Assert.Equal(0.78 - rt.Twin.Estimator.ChargeAh / 8.732, rt.Twin.Estimator.CountedCLi, 12);
            Assert.Contains($"lab/{Cell} changed in the experiment file since the checkpoint, applied as a new prior: c_li0: 0.8000 → 0.7800",
                await HealthOfExperimentAsync(app));
            var entry = app.Services.GetRequiredService<CellOperations>().Audit.Latest().First();
            Assert.Equal(("experiment-file", "correction", "lab/" + Cell), (entry.User, entry.Action, entry.Target));
            cLi = rt.Twin.CLi;
        }
        finally
        {
            await StopAsync(app);
        }

        // the applied change was saved at start: the next start finds the file and the checkpoint in agreement
        app = await StartAsync();
        try
        {
            var rt = CellOf(app);
            Assert.Empty(rt.ResumeChanges);
            Assert.Equal(cLi, rt.Twin.CLi);
            Assert.Equal("c_li0 and q_li_Ah as in the checkpoints", await HealthOfExperimentAsync(app));
            Assert.Single(app.Services.GetRequiredService<CellOperations>().Audit.Latest(), e => e.User == "experiment-file");
        }
        finally
        {
            await StopAsync(app);
        }
    }

    [Fact]
    public async Task The_correction_endpoint_refuses_callers_that_are_not_signed_in_operators_and_changes_nothing()
    {
        var app = await StartAsync();
        try
        {
            await PostSamplesAsync(app, 100);
            double before = CellOf(app).Twin.CLi;
            using var token = TestApi.Client(app);
            var r = await token.PostAsync($"/api/cells/{Cell}/corrections", JsonContent.Create(new { c_li0 = 0.85 }));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            using var anonymous = TestApi.Client(new Uri(app.Urls.First()), null);
            r = await anonymous.PostAsync($"/api/cells/{Cell}/corrections", JsonContent.Create(new { c_li0 = 0.85 }));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal(before, CellOf(app).Twin.CLi);
            Assert.DoesNotContain(app.Services.GetRequiredService<CellOperations>().Audit.Latest(), e => e.Action == "correction");
        }
        finally
        {
            await StopAsync(app);
        }
    }
}
