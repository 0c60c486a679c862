using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Core.Samples;
using Twin.Drivers.Experiment;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Service.Instruments;
using Twin.Testing;
using Twin.Testing.Mosquitto;

namespace Twin.Service.Tests.Instruments;

/// <summary>The driver's publisher behind a real Mosquitto whose ACL refuses some of its messages.</summary>
public sealed class BusRunnerSinkAclTests
{
    [Fact]
    public async Task A_message_the_broker_refuses_is_reported_and_dropped_and_the_ones_after_it_still_go_out()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Users = new Dictionary<string, string> { [TwinAcl.Instrument] = "pw", [TwinAcl.Operator] = "pw" },
            Acl = TwinAcl.For("lab", ["c1"]),
        });
        await using var watcher = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse($"mqtt://{TwinAcl.Operator}:pw@{broker.Host}:{broker.Port}") with { ClientId = "watcher" });
        var seen = new ConcurrentQueue<string>();
        await using var sub = await watcher.SubscribeAsync("twin/v1/#", QualityOfService.AtLeastOnce, (m, _) => { seen.Enqueue(m.Topic); return ValueTask.CompletedTask; });
        await using var bus = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse($"mqtt://{TwinAcl.Instrument}:pw@{broker.Host}:{broker.Port}") with { ClientId = "twin-driver" });
        var reported = new ConcurrentQueue<RunnerEvent>();
        // this instrument PC may write cell c1's topics only: c2's telemetry is refused by the broker (PUBACK 0x87)
        var wrongCell = new BusRunnerSink(bus, "lab", "c2", "tcp://smu", NullLogger.Instance) { EventObserver = reported.Enqueue };
        var sink = new BusRunnerSink(bus, "lab", "c1", "tcp://smu", NullLogger.Instance);
        await wrongCell.OnSampleAsync(new RunnerSample(1, UnixTime.NowNs(), 3.7, 0.001, 0, 1, 0, StepKind.Charge, null), CancellationToken.None);
        await wrongCell.OnEventAsync(new RunnerEvent(UnixTime.NowNs(), RunnerEventKinds.StepStart, 1, "after the refused one"), CancellationToken.None);
        await sink.OnSampleAsync(new RunnerSample(1, UnixTime.NowNs(), 3.7, 0.001, 0, 1, 0, StepKind.Charge, null), CancellationToken.None);
        await Wait.UntilAsync(() => wrongCell.RefusedByBroker == 2 && seen.Contains("twin/v1/lab/c1/telemetry"), "both of c2's messages refused, c1's telemetry delivered",
            observed: () => $"refused {wrongCell.RefusedByBroker}; seen {string.Join(", ", seen)}");
        Assert.True(await wrongCell.FlushAsync(TimeSpan.FromSeconds(10)), "the publisher kept going after a refusal");
        Assert.Contains(reported, e => e.Kind == RunnerEventKinds.Link && e.Message.Contains("the broker refused the message on twin/v1/lab/c2/telemetry") && e.Message.Contains("0x87 Not authorized"));
        Assert.DoesNotContain("twin/v1/lab/c2/telemetry", seen);
        Assert.True(bus.IsConnected);
        await wrongCell.DisposeAsync();
        await sink.DisposeAsync();
    }
}
