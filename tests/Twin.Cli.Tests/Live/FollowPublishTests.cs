using System.Text;
using System.Text.Json;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Testing.Cyclers;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// <c>twin publish --follow</c> beside a cycler that is still writing its export: a writer process appends the LG M50
/// rows (each line in two writes, so half lines are on disk between them) while the publisher follows the file into a
/// real <c>twin serve</c> over a real Mosquitto; the publisher is killed with SIGKILL halfway and started again. Every
/// sample ends up stored once, in order, with no gap: the restart resumes after the last acknowledged sample (the few
/// sent again are duplicates the service drops).
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class FollowPublishTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    public async Task Following_a_growing_export_across_a_kill_stores_every_sample_once_in_order()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new ServeRig(_twin, broker.Url);
        await rig.StartConnectedAsync();
        string file = Path.Combine(rig.Directory, "M50_live.txt");
        string state = Path.Combine(rig.Directory, "publish-state.json");
        var lines = File.ReadAllLines(Repo.LgM50);
        const int HeaderLines = 4;
        int rows = lines.Length - HeaderLines;

        // The cycler: header first, then rows in two writes each, at most 200 complete rows ahead of what the service
        // applied. Each run of rows ends with half of the next row on disk until the service has applied every complete
        // row before it: the publisher has then looked at the file's end and held that half row back.
        const int Ahead = 200;
        long written = 0;
        var writer = Task.Run(async () =>
        {
            await using var f = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
            async Task WriteAsync(string text)
            {
                await f.WriteAsync(Encoding.UTF8.GetBytes(text));
                await f.FlushAsync();
            }
            foreach (var header in lines.Take(HeaderLines)) await WriteAsync(header + "\n");
            int next = HeaderLines;
            while (next < lines.Length)
            {
                for (int end = Math.Min(lines.Length, next + Ahead); next < end; next++)
                {
                    int half = lines[next].Length / 2;
                    await WriteAsync(lines[next][..half]);
                    await WriteAsync(lines[next][half..] + "\n");
                }
                Interlocked.Exchange(ref written, next);
                if (next == lines.Length) break;
                int cut = lines[next].Length / 2;
                await WriteAsync(lines[next][..cut]);
                long complete = next - HeaderLines;
                await Wait.UntilAsync(async () => await rig.LastSeqAsync() >= complete - 1, $"the service to apply the {complete} complete rows before a half-written one",
                    TimeSpan.FromSeconds(120), observed: () => $"last_seq {rig.LastSeqAsync().Result}");
                await WriteAsync(lines[next][cut..] + "\n");
                next++;
            }
            Interlocked.Exchange(ref written, lines.Length);
        });
        await Wait.UntilAsync(() => Interlocked.Read(ref written) > HeaderLines + 100, "the writer to have written the header and 100 rows");

        string[] publish = ["publish", file, "--cell", "c1", "--site", "lab", "--follow", "--idle-exit", "5", "--state", state, "--mqtt", broker.Url];
        var first = _twin.Start(publish, "publish-1");
        await rig.WaitForSeqAsync(rows / 3);
        first.Kill(); // SIGKILL: no state saved at exit, up to a second of acknowledgements not on disk
        await first.WaitForExitAsync();
        long atKill = await rig.LastSeqAsync();
        _twin.Log($"killed the publisher at seq {atKill}, writer at line {Interlocked.Read(ref written)}");
        Assert.True(Interlocked.Read(ref written) < lines.Length, "the file was still growing when the publisher was killed");

        var second = _twin.Start(publish, "publish-2");
        await writer;
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(0, second.ExitCode);
        await rig.WaitForSeqAsync(rows - 1);

        // Stored once, in order, no gap.
        await Wait.UntilAsync(() => rig.SpooledSeqs().Count >= rows, "every sample in the spool", observed: () => $"{rig.SpooledSeqs().Count} spooled");
        var spooled = rig.SpooledSeqs();
        Assert.Equal(Enumerable.Range(0, rows).Select(i => (long)i), spooled);
        using var detail = JsonDocument.Parse((await TwinProcesses.TryGetAsync(rig.Http, "/api/cells/c1"))!);
        var sequence = detail.RootElement.GetProperty("sequence");
        _twin.Log(sequence.ToString());
        Assert.Equal(0, sequence.GetProperty("gaps").GetInt64());
        using var saved = JsonDocument.Parse(File.ReadAllText(state));
        Assert.Equal(rows, saved.RootElement.GetProperty("acknowledged").GetInt64());
    }

    [Fact]
    public async Task Following_a_raw_ec_lab_file_as_it_grows_across_a_kill_stores_every_sample_once_in_order()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new ServeRig(_twin, broker.Url);
        await rig.StartConnectedAsync();
        string file = Path.Combine(rig.Directory, "M50_C01.mpr");
        string state = Path.Combine(rig.Directory, "publish-state.json");
        List<EcLabRow> rows;
        using (var reader = CyclerFileReader.Open(Repo.LgM50))
            rows = EcLabFiles.FromSamples(reader);
        const MprLayout Layout = MprLayout.Version0Ec1150;
        var start = new DateTime(2020, 12, 11, 9, 30, 0);

        // EC-Lab: signature, settings and the data module's header first; then records, each run of 200 ending with half
        // of the next record on disk until the service applied the run; the record count in the module header is
        // brought up to date after each run (so the reader sees records the header does not yet count); the log module
        // is written after the last record.
        const int Ahead = 200;
        long written = 0;
        var writer = Task.Run(async () =>
        {
            await using var f = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
            await f.WriteAsync(EcLabFiles.Head(Layout, 0, start));
            await f.FlushAsync();
            int next = 0;
            while (next < rows.Count)
            {
                int end = Math.Min(rows.Count, next + Ahead);
                f.Seek(0, SeekOrigin.End);
                await f.WriteAsync(EcLabFiles.Records(rows.Skip(next).Take(end - next)));
                next = end;
                await f.FlushAsync();
                f.Seek(EcLabFiles.DataModuleOffset(Layout), SeekOrigin.Begin);
                await f.WriteAsync(EcLabFiles.DataModuleHeader(Layout, next, start));
                await f.FlushAsync();
                Interlocked.Exchange(ref written, next);
                if (next == rows.Count) break;
                byte[] half = EcLabFiles.Records([rows[next]]);
                f.Seek(0, SeekOrigin.End);
                await f.WriteAsync(half.AsMemory(0, half.Length / 2));
                await f.FlushAsync();
                long complete = next;
                await Wait.UntilAsync(async () => await rig.LastSeqAsync() >= complete - 1, $"the service to apply the {complete} complete records before a half-written one",
                    TimeSpan.FromSeconds(120), observed: () => $"last_seq {rig.LastSeqAsync().Result}");
                await f.WriteAsync(half.AsMemory(half.Length / 2));
                next++;
                await f.FlushAsync();
            }
            f.Seek(EcLabFiles.DataModuleOffset(Layout), SeekOrigin.Begin);
            await f.WriteAsync(EcLabFiles.DataModuleHeader(Layout, rows.Count, start));
            f.Seek(0, SeekOrigin.End);
            await f.WriteAsync(EcLabFiles.LogModule(Layout, start));
            await f.FlushAsync();
            Interlocked.Exchange(ref written, rows.Count);
        });
        await Wait.UntilAsync(() => Interlocked.Read(ref written) > 100, "the writer to have written 100 records");

        string[] publish = ["publish", file, "--cell", "c1", "--site", "lab", "--follow", "--idle-exit", "5", "--state", state, "--mqtt", broker.Url];
        var first = _twin.Start(publish, "publish-1");
        await rig.WaitForSeqAsync(rows.Count / 3);
        first.Kill();
        await first.WaitForExitAsync();
        _twin.Log($"killed the publisher at seq {await rig.LastSeqAsync()}, writer at record {Interlocked.Read(ref written)}");
        Assert.True(Interlocked.Read(ref written) < rows.Count, "the file was still growing when the publisher was killed");

        var second = _twin.Start(publish, "publish-2");
        await writer;
        await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(0, second.ExitCode);
        await rig.WaitForSeqAsync(rows.Count - 1);
        await Wait.UntilAsync(() => rig.SpooledSeqs().Count >= rows.Count, "every sample in the spool", observed: () => $"{rig.SpooledSeqs().Count} spooled");
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(i => (long)i), rig.SpooledSeqs());
        using var detail = JsonDocument.Parse((await TwinProcesses.TryGetAsync(rig.Http, "/api/cells/c1"))!);
        Assert.Equal(0, detail.RootElement.GetProperty("sequence").GetProperty("gaps").GetInt64());
        using var saved = JsonDocument.Parse(File.ReadAllText(state));
        Assert.Equal(rows.Count, saved.RootElement.GetProperty("acknowledged").GetInt64());
    }

    [Fact]
    public async Task Following_a_folder_publishes_each_new_file_after_the_last_with_the_sequence_continuing()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new ServeRig(_twin, broker.Url);
        await rig.StartConnectedAsync();
        string folder = Path.Combine(rig.Directory, "exports");
        Directory.CreateDirectory(folder);
        var lines = File.ReadAllLines(Repo.LgM50);
        const int HeaderLines = 4;
        int rows = lines.Length - HeaderLines, firstPart = rows / 2;
        // Test 1 is complete when following starts and its last row has no line end; test 2 (a later start date in its
        // header) is started by the cycler a moment later and grows while it is followed.
        File.WriteAllText(Path.Combine(folder, "test-001.txt"), string.Join('\n', lines.Take(HeaderLines + firstPart)));
        string[] second = [lines[0].Replace("11 December 2020", "14 December 2020", StringComparison.Ordinal), .. lines[1..HeaderLines], .. lines[(HeaderLines + firstPart)..]];

        // The cycler's "moment later" is measured against the publisher, never against the service: the publisher's
        // --idle-exit counts from the last growth it saw, and the service may take longer than that to apply what it
        // was sent. So each step waits for the publisher's own state file to show the rows acknowledged by the broker.
        string statePath = Path.Combine(rig.Directory, "state.json");
        async Task WaitAcknowledgedAsync(string file, long rowsAcknowledged) => await Wait.UntilAsync(() => PublishedState(statePath) is { } st
                && st.File.EndsWith(file, StringComparison.Ordinal) && st.Acknowledged >= rowsAcknowledged,
            $"the publisher to have {rowsAcknowledged} rows of {file} acknowledged", observed: () => $"{PublishedState(statePath)}");
        var publisher = _twin.Start(["publish", folder, "--cell", "c1", "--site", "lab", "--follow", "--idle-exit", "5",
            "--state", statePath, "--mqtt", broker.Url], "publish");
        await WaitAcknowledgedAsync("test-001.txt", firstPart - 1); // test 1's last row, without a line end, waits until test 2 exists
        await using (var f = new FileStream(Path.Combine(folder, "test-002.txt"), FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            // Its header and first 100 rows, then the rest once they are published (followed while it grows).
            int firstRows = HeaderLines + 100;
            await f.WriteAsync(Encoding.UTF8.GetBytes(string.Join("", second.Take(firstRows).Select(l => l + "\n"))));
            await f.FlushAsync();
            await WaitAcknowledgedAsync("test-002.txt", 100);
            await f.WriteAsync(Encoding.UTF8.GetBytes(string.Join("", second.Skip(firstRows).Select(l => l + "\n"))));
            await f.FlushAsync();
        }
        await publisher.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(0, publisher.ExitCode);
        await rig.WaitForSeqAsync(rows - 1);
        await Wait.UntilAsync(() => rig.SpooledSeqs().Count >= rows, "every sample in the spool", observed: () => $"{rig.SpooledSeqs().Count} spooled");
        Assert.Equal(Enumerable.Range(0, rows).Select(i => (long)i), rig.SpooledSeqs());
    }

    [Fact]
    public async Task A_followed_file_that_is_truncated_stops_the_publisher_and_a_restart_publishes_it_as_a_new_file()
    {
        string dir = Repo.TempDir("follow-trunc");
        try
        {
            string file = Path.Combine(dir, "run.txt");
            var lines = File.ReadAllLines(Repo.LgM50);
            File.WriteAllLines(file, lines.Take(200));
            await using var broker = await MosquittoBroker.StartAsync();
            long received = 0;
            await using var watcher = new Twin.Messaging.Mqtt.MqttClient(Twin.Messaging.Mqtt.MqttClientOptions.Parse(broker.Url) with { ClientId = "test-watcher" });
            var watching = watcher.SubscribeAsync(Twin.Messaging.Contracts.TwinTopics.Telemetry("lab", "c1"), Twin.Messaging.Bus.QualityOfService.AtMostOnce,
                (_, _) => { Interlocked.Increment(ref received); return ValueTask.CompletedTask; });
            await watcher.ConnectAsync();
            await watching;
            var publisher = _twin.Start(["publish", file, "--cell", "c1", "--site", "lab", "--follow", "--state", Path.Combine(dir, "s.json"), "--mqtt", broker.Url], "publish");
            await Wait.UntilAsync(() => Interlocked.Read(ref received) >= 196, "the publisher to have sent the 196 rows", observed: () => $"{Interlocked.Read(ref received)} received");
            // The cycler software starts the file again for a new test (its header names another date).
            File.WriteAllLines(file, [lines[0].Replace("11 December 2020", "14 December 2020", StringComparison.Ordinal), .. lines[1..50]]);
            await publisher.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(2, publisher.ExitCode);
            using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "s.json")));
            Assert.Equal(196, saved.RootElement.GetProperty("acknowledged").GetInt64()); // saved at the exit, with the old file's identity

            // Started again, the rewritten file is a new file: all of its 46 rows are sent, none skipped.
            var again = _twin.Start(["publish", file, "--cell", "c1", "--site", "lab", "--follow", "--idle-exit", "2", "--state", Path.Combine(dir, "s.json"), "--mqtt", broker.Url], "publish-2");
            await again.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, again.ExitCode);
            await Wait.UntilAsync(() => Interlocked.Read(ref received) >= 196 + 46, "the rewritten file's 46 rows", observed: () => $"{Interlocked.Read(ref received)} received");
            using var resaved = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "s.json")));
            Assert.Equal(196, resaved.RootElement.GetProperty("first_seq").GetInt64()); // the sequence numbers go on
            Assert.Equal(46, resaved.RootElement.GetProperty("acknowledged").GetInt64());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The publisher's state file (file followed, rows acknowledged), or null while it has none or is being replaced.</summary>
    private static (string File, long Acknowledged)? PublishedState(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return (doc.RootElement.GetProperty("file").GetString()!, doc.RootElement.GetProperty("acknowledged").GetInt64());
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }
}
