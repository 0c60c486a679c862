using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Service.Security;
using Twin.Testing;

namespace Twin.Service.Tests.Security;

/// <summary>
/// Who may call the REST API, against the service on its embedded default behind real Kestrel on loopback (no
/// dashboard): telemetry needs an API token that lists the cell and a JSON body; reads need a token or anonymous
/// read; <c>/health</c> is open.
/// </summary>
public sealed class ApiAccessTests : IAsyncLifetime
{
    private static readonly (string Token, string Hash) OtherCell = ApiTokens.Create();
    private static readonly (string Token, string Hash) ReadOnly = ApiTokens.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-api-").FullName;
    private string Config => Path.Combine(_dir, "experiment.yaml");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    /// <summary>Runs the service with the test's experiment file, stopping it (and its spool) afterwards.</summary>
    private async Task WithServiceAsync(Func<WebApplication, Task> test, bool anonymousRead = false)
    {
        var app = await StartAsync(anonymousRead);
        try
        {
            await test(app);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task<WebApplication> StartAsync(bool anonymousRead)
    {
        File.WriteAllText(Config, $$"""
            site: lab
            cells:
              - { id: coin-1, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }
              - { id: coin-2, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }
            dashboard:
              anonymous_read: {{(anonymousRead ? "true" : "false")}}
            api:
              tokens:
                - { name: {{TestApi.TokenName}}, cells: [coin-1], hash: "{{TestApi.Instrument.Hash}}" }
                - { name: smu-2, cells: [lab/coin-2], hash: "{{OtherCell.Hash}}" }
                - { name: prometheus, cells: [], hash: "{{ReadOnly.Hash}}" }

            """);
        var app = TwinServer.Build(new ServeOptions(Config, Path.Combine(_dir, "data"), "http://127.0.0.1:0"), l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return app;
    }

    private static StringContent Json(string body, string contentType = "application/json") => new(body, Encoding.UTF8, contentType);

    private static string OneSample(long seq) =>
        $$"""{"schema":1,"samples":[{"seq":{{seq}},"time_unix_ns":{{1_700_000_000_000_000_000L + seq * 1_000_000_000L}},"voltage_V":3.7,"current_A":0.1}]}""";

    private static async Task<long> AcceptedAsync(HttpClient reader, string cell)
    {
        var detail = await reader.GetFromJsonAsync<JsonElement>("/api/cells/" + cell);
        return detail.GetProperty("sequence").GetProperty("accepted").GetInt64();
    }

    [Fact]
    public Task Telemetry_needs_a_token_that_lists_the_cell_and_a_json_body() => WithServiceAsync(async app =>
    {
        var uri = new Uri(app.Urls.First());
        using var anonymous = TestApi.Client(uri, null);
        using var unknown = TestApi.Client(uri, ApiTokens.Create().Token);
        using var instrument = TestApi.Client(app);
        using var other = TestApi.Client(uri, OtherCell.Token);
        using var readOnly = TestApi.Client(uri, ReadOnly.Token);

        var refused = await anonymous.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1)));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await instrument.PostAsync("/api/cells/coin-2/telemetry", Json(OneSample(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await instrument.PostAsync("/api/cells/nope/telemetry", Json(OneSample(1)))).StatusCode);

        // what a cross-origin page can send without a CORS preflight: text/plain, a form, multipart
        foreach (string type in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data" })
        {
            var plain = await instrument.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1), type));
            Assert.True(plain.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{type}: {(int)plain.StatusCode}, expected 415");
            Assert.Contains("application/json", await plain.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await AcceptedAsync(instrument, "coin-1"));

        Assert.Equal(HttpStatusCode.Accepted, (await instrument.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsync("/api/cells/coin-2/telemetry", Json(OneSample(1)))).StatusCode);
        await Wait.UntilAsync(async () => await AcceptedAsync(instrument, "coin-1") == 1 && await AcceptedAsync(instrument, "coin-2") == 1,
            "one sample stored in each cell");
    });

    [Fact]
    public async Task Reads_need_a_token_or_anonymous_read_and_health_is_open()
    {
        await WithServiceAsync(async app =>
        {
            var uri = new Uri(app.Urls.First());
            using var anonymous = TestApi.Client(uri, null);
            using var readOnly = TestApi.Client(uri, ReadOnly.Token);
            foreach (string path in new[] { "/api/cells", "/api/cells/coin-1", "/api/cells/coin-1/history", "/api/alarms", "/metrics" })
            {
                var r = await anonymous.GetAsync(path);
                Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"anonymous GET {path}: {(int)r.StatusCode}, expected 401");
                Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync(path)).StatusCode);
            }
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        });

        await WithServiceAsync(async app =>
        {
            using var anonymous = TestApi.Client(new Uri(app.Urls.First()), null);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/cells")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
            // anonymous read never lets anyone write
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/cells/coin-1/telemetry", Json(OneSample(1)))).StatusCode);
        }, anonymousRead: true);
    }

    [Fact]
    public Task A_signal_oscillating_around_the_critical_limit_raises_one_alarm_counting_its_crossings() => WithServiceAsync(async app =>
    {
        using var instrument = TestApi.Client(app);
        // c_Li = 0.80 − charge/8.732 alternates 0.43 and 0.46; the zones follow the lower bound c_Li − 2σ, with
        // σ = √(0.02² + (0.03·charge/Q_Li)²) = 0.0229 and 0.0225 there: 0.384 (critical) and 0.415 (back above 0.40 +
        // hysteresis 0.005), 1,000 times over
        const int Samples = 1_001;
        var samples = Enumerable.Range(0, Samples).Select(i => new TelemetrySample
        {
            Seq = i + 1,
            TimeUnixNs = 1_700_000_000_000_000_000L + i * 1_000_000_000L,
            VoltageV = 4.1,
            CurrentA = 0.01,
            ChargeAh = i == 0 ? 0 : i % 2 == 1 ? 0.37 * 8.732 : 0.34 * 8.732,
        }).ToList();
        var body = new ByteArrayContent(TwinPayloads.Serialize(new TelemetryMessage { Instrument = "noisy", Samples = samples }));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await instrument.PostAsync("/api/cells/coin-1/telemetry", body)).StatusCode);
        // the alarm book sees the batch after its samples are stored: wait until the last crossing is counted
        var alarms = await Wait.ForAsync(() => instrument.GetFromJsonAsync<JsonElement>("/api/alarms"),
            a => a.EnumerateArray().Sum(x => x.GetProperty("crossings").GetInt32()) == Samples / 2, $"{Samples / 2} crossings counted");
        Assert.True(alarms.GetArrayLength() == 1, $"{alarms.GetArrayLength()} alarms from one noisy message, expected one: {alarms}");
        var alarm = alarms[0];
        Assert.Equal(("coin-1", "critical"), (alarm.GetProperty("cell").GetString(), alarm.GetProperty("zone").GetString()));
        Assert.True(alarm.TryGetProperty("cleared_unix_ns", out _), "the last sample is back above the limit");
        Assert.False(alarm.TryGetProperty("acknowledged_by", out _), "the alarm is still waiting for an operator");
    });
}
