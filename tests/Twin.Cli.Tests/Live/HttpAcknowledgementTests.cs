using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Storage.Spool;
using Twin.Testing;
using Twin.Testing.Api;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// What HTTP 202 means, tried on the real <c>twin serve</c> process in its embedded default (in-process bus, local
/// spool): four instruments post the LG M50 file to four cells at once; the service is killed with SIGKILL right after
/// the 202 that completes the first instrument's share, with the others' requests in flight; after a restart every
/// sample that was answered 202 is in the spool exactly once, and the instruments continue where they were.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class HttpAcknowledgementTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);
    private const int Cells = 4;
    private const int PerRequest = 20;
    private const long Start = 1_607_689_332_000_000_000; // the file's recorded start, 2020-12-11 12:22:12 UTC

    [Fact]
    public async Task Every_sample_answered_202_survives_kill_9_exactly_once()
    {
        string dir = Repo.TempDir("http-kill");
        Process? serve = null;
        try
        {
            string config = Path.Combine(dir, "experiment.yaml");
            var token = Twin.Service.Security.ApiTokens.Create();
            File.WriteAllText(config, "site: lab\ncells:\n" + string.Concat(Enumerable.Range(0, Cells).Select(i =>
                $"  - id: c{i}\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n"))
                + $"api:\n  tokens:\n    - {{ name: instruments, cells: [{string.Join(", ", Enumerable.Range(0, Cells).Select(i => $"c{i}"))}], hash: \"{token.Hash}\" }}\n");
            string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
            string data = Path.Combine(dir, "data");
            string[] serveArgs = ["serve", "--config", config, "--data-dir", data, "--urls", api, "--mqtt-listen", "none"];
            using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
            var wire = Wire();

            serve = _twin.Start(serveArgs, "serve-1");
            await TwinProcesses.WaitHealthyAsync(http);

            // Each instrument posts its cell's samples one request after the other; the kill comes right after the
            // 202 that completes instrument 0's first 2,000 samples.
            var acked = Enumerable.Range(0, Cells).Select(_ => new List<long>()).ToArray();
            using var killed = new CancellationTokenSource();
            var kill = new TaskCompletionSource();
            var posters = Enumerable.Range(0, Cells).Select(i => Task.Run(async () =>
            {
                foreach (var chunk in wire.Chunk(PerRequest))
                {
                    HttpResponseMessage r;
                    try
                    {
                        r = await http.PostAsync($"/api/cells/c{i}/telemetry", Body(chunk), killed.Token);
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                    {
                        return; // the service is gone: this request was not acknowledged
                    }
                    if (r.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"c{i}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                    lock (acked[i]) acked[i].AddRange(chunk.Select(s => s.Seq));
                    if (i == 0 && acked[0].Count >= 2000) kill.TrySetResult();
                }
            })).ToArray();
            await kill.Task.WaitAsync(TimeSpan.FromSeconds(120));
            serve.Kill(); // SIGKILL: no shutdown code runs
            await serve.WaitForExitAsync();
            killed.Cancel();
            await Task.WhenAll(posters);
            long total = acked.Sum(a => a.Count);
            _twin.Log($"killed after {total:N0} samples were answered 202 ({string.Join(", ", acked.Select(a => a.Count))})");

            // After a restart the cells stand at least at what was acknowledged, and the instruments go on from there.
            serve = _twin.Start(serveArgs, "serve-2");
            await TwinProcesses.WaitHealthyAsync(http, "twin serve to be healthy again after the restart");
            for (int i = 0; i < Cells; i++)
            {
                var detail = await http.GetFromJsonAsync<JsonElement>($"/api/cells/c{i}");
                long last = CellDetailJson.LastSeq(detail) ?? -1;
                Assert.True(acked[i].Count == 0 || last >= acked[i].Max(), $"c{i} resumed at seq {last}, below the acknowledged {acked[i].Max()}");
                // The instrument re-sends from its last acknowledged request on: what was stored before is a duplicate.
                long from = acked[i].Count == 0 ? 0 : acked[i].Max() + 1;
                var again = await http.PostAsync($"/api/cells/c{i}/telemetry", Body(wire.Where(s => s.Seq >= from && s.Seq < from + 200)));
                Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
                lock (acked[i]) acked[i].AddRange(wire.Where(s => s.Seq >= from && s.Seq < from + 200).Select(s => s.Seq));
            }
            serve.Kill();
            await serve.WaitForExitAsync();
            serve = null;

            // The spool on disk: every acknowledged sample exactly once, per cell.
            var stored = SpoolReader.ReadPoints(Path.Combine(data, "spool")).Where(p => p.Measurement == "telemetry")
                .GroupBy(p => p.Tags.Single(t => t.Key == "cell").Value)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Fields.Single(f => f.Key == "seq").IntegerValue).ToList());
            for (int i = 0; i < Cells; i++)
            {
                var seqs = stored.GetValueOrDefault($"c{i}") ?? [];
                Assert.Equal(seqs.Count, seqs.Distinct().Count());
                var missing = acked[i].Except(seqs).ToList();
                Assert.True(missing.Count == 0, $"c{i}: {missing.Count} acknowledged sample(s) missing from the spool, e.g. seq {string.Join(", ", missing.Take(5))}");
                _twin.Log($"c{i}: {acked[i].Count:N0} acknowledged, {seqs.Count:N0} in the spool, none twice");
            }
        }
        finally
        {
            if (serve is { HasExited: false })
            {
                serve.Kill();
                await serve.WaitForExitAsync();
            }
            Directory.Delete(dir, true);
        }
    }

    internal static List<(long Seq, string Json)> Wire()
    {
        using var reader = CyclerFileReader.Open(Repo.LgM50);
        long seq = 0;
        return reader.Select(s => (seq, FormattableString.Invariant(
            $"{{\"seq\":{seq++},\"time_unix_ns\":{Start + (long)Math.Round(s.TimeS * 1e9)},\"voltage_V\":{s.VoltageV:R},\"current_A\":{s.CurrentA:R}{(s.HasChargeCounter ? FormattableString.Invariant($",\"charge_Ah\":{s.ChargeCounterAh:R}") : "")},\"counter_segment\":{s.CounterSegment},\"step\":{s.Step},\"kind\":\"{s.Kind.Name() ?? "other"}\"}}"))).ToList();
    }

    internal static StringContent Body(IEnumerable<(long Seq, string Json)> samples) =>
        new("{\"schema\":1,\"instrument\":\"test\",\"samples\":[" + string.Join(',', samples.Select(s => s.Json)) + "]}", Encoding.UTF8, "application/json");
}
