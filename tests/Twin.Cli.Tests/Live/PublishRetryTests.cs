using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Storage.Spool;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// <c>twin publish --url</c> against a real <c>twin serve</c> whose data directory is on a small tmpfs that is full:
/// the service answers 503 with Retry-After, the publisher waits and sends the same request again, and once there is
/// room the whole file arrives — every sample once.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class PublishRetryTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    /// <summary>Rows of the LG M50 file.</summary>
    private const long Rows = 6704;

    /// <summary>The spool keeps 16 MiB free for the checkpoints next to it, and takes new data again 1 MiB above that:
    /// leave it less than that, so the first write is already refused. Returns the filler to delete for room.</summary>
    private static string FillAlmost(SmallDisk disk) => disk.Fill("filler", disk.FreeBytes - (16L << 20) - (256L << 10));

    /// <summary>Every row of the LG M50 file is in the spool of <paramref name="data"/>, each seq once.</summary>
    private static void AssertEachSampleStoredOnce(string data)
    {
        var seqs = SpoolReader.ReadPoints(Path.Combine(data, "spool")).Where(p => p.Measurement == "telemetry")
            .Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(Rows, seqs.Count);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
    }

    /// <summary>The LG M50 cell's experiment file with an API token for it.</summary>
    private static (string Dir, string Config, (string Token, string Hash) Token) Experiment(string name)
    {
        string dir = Repo.TempDir(name);
        var token = Twin.Service.Security.ApiTokens.Create();
        string config = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(config, "site: id31\ncells:\n  - { id: lg-m50, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }\n"
            + $"api:\n  tokens:\n    - {{ name: smu-1, cells: [lg-m50], hash: \"{token.Hash}\" }}\n");
        return (dir, config, token);
    }

    [Fact]
    public async Task A_publisher_over_http_waits_out_a_full_disk_and_delivers_every_sample_once()
    {
        using var disk = SmallDisk.Mount(40L << 20);
        string filler = FillAlmost(disk);
        var (dir, config, token) = Experiment("publish-retry");
        string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        string data = Path.Combine(disk.Path, "data");
        var serve = _twin.Start(["serve", "--config", config, "--data-dir", data, "--urls", api, "--no-dashboard", "--mqtt-listen", "none"], "serve");
        System.Diagnostics.Process? publish = null;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            await Wait.UntilAsync(async () =>
            {
                try
                {
                    using var r = await http.GetAsync("/health");
                    return true; // healthy, or unhealthy (503) with the disk nearly full
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "twin serve to answer");
            var lines = new ConcurrentQueue<string>();
            publish = _twin.Start(["publish", Repo.LgM50, "--cell", "lg-m50", "--site", "id31", "--speed", "max", "--batch", "500", "--url", api, "--token", token.Token],
                "publish", lines.Enqueue);
            await Wait.UntilAsync(() => lines.Any(l => l.Contains(": 503, retrying in ", StringComparison.Ordinal)), "the publisher to be told 503 and wait",
                observed: () => string.Join(" | ", lines.TakeLast(5)));
            Assert.False(publish.HasExited, "the publisher gave up on a 503");

            File.Delete(filler);
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(publish.ExitCode == 0, string.Join("\n", lines));
            var detail = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            long accepted = detail.GetProperty("sequence").GetProperty("accepted").GetInt64();
            Assert.Equal(0, detail.GetProperty("sequence").GetProperty("duplicates").GetInt64());
            serve.Kill();
            await serve.WaitForExitAsync();
            Assert.Equal(Rows, accepted);
            AssertEachSampleStoredOnce(data);
        }
        finally
        {
            if (publish is { HasExited: false }) publish.Kill();
            if (!serve.HasExited) serve.Kill();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_publisher_over_the_embedded_broker_is_not_acknowledged_while_the_disk_is_full_and_delivers_every_sample_once_after()
    {
        using var disk = SmallDisk.Mount(40L << 20);
        string filler = FillAlmost(disk);
        var (dir, config, token) = Experiment("publish-retry-mqtt");
        string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        int port = MosquittoBroker.FreePort();
        string data = Path.Combine(disk.Path, "data");
        var serveLines = new ConcurrentQueue<string>();
        var serve = _twin.Start(["serve", "--config", config, "--data-dir", data, "--urls", api, "--no-dashboard", "--mqtt-listen", $"127.0.0.1:{port}"],
            "serve", serveLines.Enqueue);
        System.Diagnostics.Process? publish = null;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            await Wait.UntilAsync(async () => (await TwinProcesses.TryGetAsync(http, "/api/cells/lg-m50")) is not null, "twin serve to answer");
            var lines = new ConcurrentQueue<string>();
            publish = _twin.Start(["publish", Repo.LgM50, "--cell", "lg-m50", "--site", "id31", "--speed", "max", "--batch", "500",
                "--mqtt", $"mqtt://smu-1@127.0.0.1:{port}"], "publish", lines.Enqueue, new Dictionary<string, string> { ["TWIN_MQTT_PASSWORD"] = token.Token });
            // the store refuses: the broker closes the publisher's connection without PUBACK, and it sends again
            await Wait.UntilAsync(() => serveLines.Any(l => l.Contains("not stored", StringComparison.Ordinal) && l.Contains("closing its connection", StringComparison.Ordinal)),
                "the embedded broker to refuse a publication for the full disk", observed: () => string.Join(" | ", serveLines.TakeLast(5)));
            Assert.False(publish.HasExited, "the publisher gave up while the disk was full");

            File.Delete(filler);
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(publish.ExitCode == 0, string.Join("\n", lines));
            var detail = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            Assert.Equal(Rows, detail.GetProperty("sequence").GetProperty("accepted").GetInt64());
            serve.Kill();
            await serve.WaitForExitAsync();
            AssertEachSampleStoredOnce(data);
        }
        finally
        {
            if (publish is { HasExited: false }) publish.Kill();
            if (!serve.HasExited) serve.Kill();
            Directory.Delete(dir, true);
        }
    }
}
