using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// Nothing acknowledged is lost across the ways <c>twin serve --mqtt</c> stops and starts, with real processes and a
/// real Mosquitto: a normal stop (SIGTERM) keeps the broker session, a broker that is down at start is waited for
/// (health degraded, with the reason), refused credentials end the process with the reason.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ServiceStopTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    public async Task After_a_normal_stop_everything_published_while_the_service_was_down_arrives_exactly_once()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new ServeRig(_twin, broker.Url);
        await rig.StartConnectedAsync();
        await ServeRig.PublishAsync(broker.Url, 0, 100);
        await rig.WaitForSeqAsync(99);

        Assert.Equal(0, await rig.StopAsync()); // SIGTERM: the service's normal stop
        const int whileDown = 2_000;
        await ServeRig.PublishAsync(broker.Url, 100, whileDown);

        await rig.StartConnectedAsync();
        await rig.WaitForSeqAsync(100 + whileDown - 1);
        Assert.Equal(0, await rig.StopAsync());
        var seqs = rig.SpooledSeqs();
        Assert.Equal(Enumerable.Range(0, 100 + whileDown).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task A_broker_that_is_down_at_start_is_retried_while_health_says_why_and_data_flows_once_it_is_up()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await broker.StopAsync();
        await using var rig = new ServeRig(_twin, broker.Url);
        rig.Start();
        string health = await Wait.ForAsync(rig.HealthAsync, h => h is not null, "the service to answer /health without a broker") ?? "";
        _twin.Log("health without a broker: " + health);
        Assert.Contains("\"degraded\"", health, StringComparison.Ordinal);
        Assert.Contains("Connection refused", health, StringComparison.Ordinal);
        Assert.Contains("waiting for the broker", health, StringComparison.Ordinal);
        Assert.False(rig.Process!.HasExited);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await broker.StartAgainAsync();
        await rig.WaitHealthyAsync();
        await ServeRig.PublishAsync(broker.Url, 0, 50);
        await rig.WaitForSeqAsync(49);
        _twin.Log($"broker started → 50 samples applied in {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(0, await rig.StopAsync());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), rig.SpooledSeqs());
    }

    [Fact]
    public async Task Refused_credentials_end_the_service_with_the_reason_and_a_nonzero_exit_code()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = new Dictionary<string, string> { ["twin"] = "right" } });
        await using var rig = new ServeRig(_twin, $"mqtt://twin:wrong@{broker.Host}:{broker.Port}");
        var errors = new List<string>();
        var process = rig.Start();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, process.ExitCode);
        string text;
        lock (errors) text = string.Join('\n', errors);
        Assert.Matches("(Bad User Name or Password|Not authorized)", text);
    }
}
