using System.Net;
using System.Text.Json;
using Twin.Testing;
using Twin.Testing.Api;
using Twin.Testing.Mosquitto;
using Twin.Testing.Nexus;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// The NeXus file across a crash, on the real <c>twin serve</c> process: killed with SIGKILL while samples arrive, it
/// leaves an experiment.nxs that h5py reads, holding the first samples exactly as sent; after a restart and a normal
/// stop the file still holds them, and what it could not hold is named in its event log.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class NexusCrashTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    public async Task A_killed_service_leaves_a_readable_file_up_to_its_last_write_and_a_restart_names_what_is_missing()
    {
        string dir = Repo.TempDir("nexus-kill");
        string config = Path.Combine(dir, "experiment.yaml");
        var token = Twin.Service.Security.ApiTokens.Create();
        File.WriteAllText(config, "site: lab\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" +
            $"api:\n  tokens:\n    - {{ name: maccor, cells: [lg-m50], hash: \"{token.Hash}\" }}\n");
        string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        string data = Path.Combine(dir, "data");
        string nexus = Path.Combine(data, "experiment.nxs");
        string[] serveArgs = ["serve", "--config", config, "--data-dir", data, "--urls", api, "--nexus-every", "0.2", "--mqtt-listen", "none"];
        using var http = new HttpClient { BaseAddress = new Uri(api) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
        var wire = HttpAcknowledgementTests.Wire();
        var serve = _twin.Start(serveArgs, "serve-1");
        try
        {
            await TwinProcesses.WaitHealthyAsync(http);
            foreach (var chunk in wire.Take(300).Chunk(50))
                Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/cells/lg-m50/telemetry", HttpAcknowledgementTests.Body(chunk))).StatusCode);
            async Task<int> RowsAsync() => File.Exists(nexus)
                ? (await H5Py.DumpAsync(nexus)).GetProperty("datasets").GetProperty("/lg-m50/twin/c_li").GetProperty("shape")[0].GetInt32() : -1;
            await Wait.ForAsync(RowsAsync, n => n == 300, "the file to hold the first 300 twin states");

            // more samples, and the kill right after they are acknowledged: the next write may or may not have happened
            foreach (var chunk in wire.Skip(300).Take(300).Chunk(50))
                Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/cells/lg-m50/telemetry", HttpAcknowledgementTests.Body(chunk))).StatusCode);
            serve.Kill();
            await serve.WaitForExitAsync();
            var atKill = (await H5Py.DumpAsync(nexus)).GetProperty("datasets");
            var voltages = atKill.GetProperty("/lg-m50/electrochemistry/voltage").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.InRange(voltages.Length, 300, 600);
            var sent = wire.Take(voltages.Length).Select(w => JsonDocument.Parse(w.Json).RootElement.GetProperty("voltage_V").GetDouble());
            Assert.Equal(sent, voltages);
            _twin.Log($"after SIGKILL the file holds {voltages.Length} of 600 acknowledged samples");

            serve = _twin.Start(serveArgs, "serve-2");
            await TwinProcesses.WaitHealthyAsync(http, "twin serve to be healthy again after the restart");
            Assert.Equal(599, CellDetailJson.LastSeq(JsonDocument.Parse(await http.GetStringAsync("/api/cells/lg-m50")).RootElement));
            ProcessSignals.Terminate(serve);
            await serve.WaitForExitAsync();
            var after = (await H5Py.DumpAsync(nexus)).GetProperty("datasets");
            Assert.Equal(voltages.Length, after.GetProperty("/lg-m50/twin/c_li").GetProperty("shape")[0].GetInt32());
            var kinds = after.GetProperty("/lg-m50/events/kind").GetProperty("values").EnumerateArray().Select(v => v.GetString()).ToList();
            // a gap is named exactly when the file lost states to the kill
            Assert.Equal(voltages.Length < 600 ? 1 : 0, kinds.Count(k => k == "gap"));
        }
        finally
        {
            if (!serve.HasExited) serve.Kill();
        }
    }
}
