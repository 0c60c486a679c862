using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.FirmwareSim;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Instruments;
using Twin.Testing;

namespace Twin.Service.Tests.Instruments;

/// <summary>The driver host on the in-process bus against the firmware simulator: commands are checked against permissions and limits.</summary>
public class InstrumentHostTests
{
    [Fact]
    public async Task Commands_from_the_bus_are_checked_against_permissions_and_hard_limits_and_answered()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Speed = 60, PatternFolder = Path.Combine(Path.GetTempPath(), "twin-host-" + Guid.NewGuid().ToString("N")) });
        var c = sim.Options.Cell;
        string yaml = $$"""
            site: lab
            cells:
              - id: c1
                material: NMC811
                q_li_Ah: {{c.PositiveCapacityAh.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}
                c_li0: {{c.InitialCathodeCLi.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}
                instrument:
                  address: {{sim.SmuAddress}}
                  nominal_capacity_Ah: 0.006
                  limits: { max_voltage_V: 4.25, min_voltage_V: 2.0, max_current_A: 0.012 }
                  safe_cutoff_V: 4.1
                  watchdog_s: 600
                  time_scale: 60
                  protocol: |
                    Rest for 1 hour (10 second period)
                    Rest for 1 hour (10 second period)
            """;
        var cell = ExperimentFile.Parse(yaml, "host.yaml")[0];
        await using var bus = new InProcessBus();
        var replies = new ConcurrentQueue<(string Correlation, CommandReply Reply)>();
        await using var sub = await bus.SubscribeAsync("replies/test", QualityOfService.AtLeastOnce, (m, _) =>
        {
            replies.Enqueue((Encoding.UTF8.GetString(m.CorrelationData.Span), JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.CommandReply)!));
            return ValueTask.CompletedTask;
        });
        await using var smu = new Keithley2450(new ScpiSession(TransportAddress.Parse(sim.SmuAddress)));
        var host = new InstrumentHost(cell, bus, smu, null, NullLogger.Instance);
        var run = host.RunAsync();
        await Wait.UntilAsync(() => host.Runner.Status.Samples >= 2, "two samples", observed: () => $"{host.Runner.Status}");

        async Task<CommandReply> Send(string verb, string json)
        {
            string id = Guid.NewGuid().ToString("N");
            await bus.PublishAsync(new BusMessage(TwinTopics.Command("lab", "c1", verb), Encoding.UTF8.GetBytes(json))
            {
                ResponseTopic = "replies/test",
                CorrelationData = Encoding.UTF8.GetBytes(id),
            });
            return (await Wait.ForAsync(() => Task.FromResult(replies.FirstOrDefault(r => r.Correlation == id)), hit => hit.Reply is not null, $"a reply to {verb}")).Reply;
        }

        var viewer = await Send("set-safe-cutoff", """{"schema":1,"issuer":"bob","role":"viewer","value":4.0}""");
        Assert.False(viewer.Accepted);
        Assert.Contains("role 'viewer' may not send 'set-safe-cutoff'; allowed: operator", viewer.Message);

        var beyond = await Send("set-safe-cutoff", """{"schema":1,"issuer":"alice","role":"operator","value":4.5}""");
        Assert.False(beyond.Accepted);
        Assert.Contains("within the hard window 2–4.25 V", beyond.Message);
        Assert.Equal(4.1, host.Runner.SafeCutoffV);

        var ok = await Send("set-safe-cutoff", """{"schema":1,"issuer":"alice","role":"operator","value":4.05}""");
        Assert.True(ok.Accepted, ok.Message);
        Assert.Equal(4.05, host.Runner.SafeCutoffV);

        var malformed = await Send("abort", """{"schema":1,"role":"operator"}""");
        Assert.False(malformed.Accepted);
        Assert.Contains("issuer is missing", malformed.Message);

        var unknown = await Send("format-disk", """{"schema":1,"issuer":"alice","role":"operator"}""");
        Assert.False(unknown.Accepted);

        var twinEnd = await Send("end-step", """{"schema":1,"issuer":"twin-service","role":"twin","reason":"test"}""");
        Assert.True(twinEnd.Accepted, twinEnd.Message);
        await Wait.UntilAsync(() => host.Runner.Status.Step >= 2, "step 2", observed: () => $"{host.Runner.Status}");

        var abort = await Send("abort", """{"schema":1,"issuer":"alice","role":"operator","reason":"end of beamtime"}""");
        Assert.True(abort.Accepted);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.Aborted, result.Outcome);
        Assert.Contains("operator 'alice': end of beamtime", result.Message);
        Assert.True(result.OutputOffConfirmed);
        Assert.Equal(Twin.FirmwareSim.Cell.SourceMode.Off, sim.Bench.Setting.Mode);
    }
}
