using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Cli.Demo;
using Twin.FirmwareSim;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Security;

/// <summary>
/// Credentials of the CLI, with real processes: <c>twin token</c> makes a token that <c>twin serve</c> accepts from
/// <c>twin publish --url --token</c> (or <c>TWIN_API_TOKEN</c>); the MQTT password comes from a file or
/// <c>TWIN_MQTT_PASSWORD</c>, against a real Mosquitto with a password file.
/// </summary>
public sealed class CliCredentialTests(ITestOutputHelper output)
{
    private const int Samples = 6704;
    private readonly TwinProcesses _twin = new(output);

    private static (string Token, string Entry) NewToken(string name, string cells)
    {
        var r = TwinProcess.Run("token", "--name", name, "--cells", cells);
        Assert.True(r.ExitCode == 0, r.Err);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("twin_", lines[0]);
        Assert.StartsWith($"- {{ name: {name}, cells: [{cells.Replace(",", ", ")}], hash: \"sha256:", lines[1]);
        Assert.DoesNotContain(lines[0], lines[1]);
        return (lines[0], lines[1]);
    }

    [Fact]
    public async Task A_token_from_twin_token_lets_twin_publish_post_to_its_cell_and_nothing_else()
    {
        var (token, entry) = NewToken("maccor-1", "lg-m50");
        var (reader, readerEntry) = NewToken("reader", "");
        string dir = Repo.TempDir("cli-token");
        var serve = default(System.Diagnostics.Process);
        try
        {
            string config = Path.Combine(dir, "experiment.yaml");
            File.WriteAllText(config, "site: id31\ncells:\n  - { id: lg-m50, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }\n"
                + "  - { id: other, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }\n"
                + $"api:\n  tokens:\n    {entry}\n    {readerEntry}\n");
            string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
            serve = _twin.Start(["serve", "--config", config, "--data-dir", Path.Combine(dir, "data"), "--urls", api, "--no-dashboard", "--mqtt-listen", "none"], "serve");
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", reader);
            await Wait.UntilAsync(async () => await TwinProcesses.TryGetAsync(http, "/health") is not null, "twin serve to answer");

            string[] publish = ["publish", Repo.LgM50, "--cell", "lg-m50", "--site", "id31", "--speed", "max", "--batch", "1000", "--url", api];
            var anonymous = TwinProcess.Run(publish);
            Assert.Equal(2, anonymous.ExitCode);
            Assert.Contains("401: the service needs an API token (--token or TWIN_API_TOKEN)", anonymous.Err);
            var wrongCell = TwinProcess.Run([.. publish.Select(a => a == "lg-m50" ? "other" : a), "--token", token]);
            Assert.Equal(2, wrongCell.ExitCode);
            Assert.Contains("403: the API token may not post to cell 'other'", wrongCell.Err);

            var published = TwinProcess.Run([.. publish, "--token", token]);
            Assert.True(published.ExitCode == 0, published.Err);
            Assert.Contains($"published {Samples:N0} samples", published.Out);
            // the same file again, the token from the environment: every sample is a duplicate, and accepted as such
            var again = TwinProcess.Run(new Dictionary<string, string> { ["TWIN_API_TOKEN"] = token }, publish);
            Assert.True(again.ExitCode == 0, again.Err);

            var detail = await Wait.ForAsync(() => http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50"),
                d => d.GetProperty("sequence").GetProperty("duplicates").GetInt64() == Samples, "the second copy counted as duplicates");
            Assert.Equal(Samples, detail.GetProperty("sequence").GetProperty("accepted").GetInt64());
        }
        finally
        {
            if (serve is { HasExited: false }) serve.Kill(entireProcessTree: true);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task The_mqtt_password_comes_from_a_file_or_the_environment_never_the_command_line()
    {
        const string Password = "broker-secret-7731";
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = new Dictionary<string, string> { ["twin"] = Password } });
        string dir = Repo.TempDir("cli-mqtt-password");
        var serve = default(System.Diagnostics.Process);
        try
        {
            string passwordFile = Path.Combine(dir, "mqtt-password");
            File.WriteAllText(passwordFile, Password + "\n");
            string url = $"mqtt://twin@{broker.Host}:{broker.Port}";
            string[] publish = ["publish", Repo.LgM50, "--cell", "lg-m50", "--site", "id31", "--speed", "max", "--batch", "1000", "--mqtt", url];

            var without = TwinProcess.Run(publish);
            Assert.NotEqual(0, without.ExitCode);
            Assert.Contains("error:", without.Err);
            var fromFile = TwinProcess.Run([.. publish, "--mqtt-password-file", passwordFile]);
            Assert.True(fromFile.ExitCode == 0, fromFile.Err);
            var fromEnvironment = TwinProcess.Run(new Dictionary<string, string> { ["TWIN_MQTT_PASSWORD"] = Password }, publish);
            Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Err);
            var wrong = TwinProcess.Run(new Dictionary<string, string> { ["TWIN_MQTT_PASSWORD"] = "not-it" }, publish);
            Assert.NotEqual(0, wrong.ExitCode);

            var twice = TwinProcess.Run([.. publish.Select(a => a == url ? $"mqtt://twin:{Password}@{broker.Host}:{broker.Port}" : a), "--mqtt-password-file", passwordFile]);
            Assert.Equal(2, twice.ExitCode);
            Assert.Contains("the URL carries a password and so does --mqtt-password-file", twice.Err);
            var noUser = TwinProcess.Run([.. publish.Select(a => a == url ? broker.Url : a), "--mqtt-password-file", passwordFile]);
            Assert.Equal(2, noUser.ExitCode);
            Assert.Contains("the URL names no user", noUser.Err);
            // twin drive reads it the same way (a file that cannot be read is named before anything connects)
            string driveDir = Path.Combine(dir, "drive");
            Directory.CreateDirectory(driveDir);
            await using (var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Speed = 600, PatternFolder = Path.Combine(driveDir, "patterns") }))
            {
                string driveConfig = DemoExperiment.Write(driveDir, sim, new DemoOptions(driveDir, Speed: 600, Cycles: 1));
                var missing = TwinProcess.Run("drive", "--config", driveConfig, "--mqtt", url, "--mqtt-password-file", Path.Combine(dir, "nope"));
                Assert.Equal(2, missing.ExitCode);
                Assert.Contains($"--mqtt-password-file {Path.Combine(dir, "nope")}", missing.Err);
            }

            // twin serve connects with the password from the file
            string config = Path.Combine(dir, "experiment.yaml");
            File.WriteAllText(config, "site: id31\ncells:\n  - { id: lg-m50, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }\n");
            string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
            serve = _twin.Start(["serve", "--config", config, "--data-dir", Path.Combine(dir, "data"), "--urls", api, "--no-dashboard",
                "--mqtt", url, "--mqtt-password-file", passwordFile], "serve");
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            string health = await Wait.ForAsync(async () => await TwinProcesses.TryGetAsync(http, "/health") ?? "", h => h.Contains("mqtt connected"),
                "twin serve connected to the broker with the password from the file");
            Assert.DoesNotContain(Password, health);
        }
        finally
        {
            if (serve is { HasExited: false }) serve.Kill(entireProcessTree: true);
            Directory.Delete(dir, true);
        }
    }
}
