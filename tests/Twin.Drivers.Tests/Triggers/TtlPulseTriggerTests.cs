using Twin.Core.Samples;
using Twin.Drivers.Transports;
using Twin.Drivers.Triggers;
using Twin.FirmwareSim.Net;
using static Twin.Drivers.Tests.Triggers.PatternFileSamples;

namespace Twin.Drivers.Tests.Triggers;

public sealed class TtlPulseTriggerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PulsesTheConfiguredLineAndTimesTheExposureFromTheEdge()
    {
        var port = new FakeModemTransport();
        var options = new TtlPulseOptions
        {
            Line = ModemLine.Rts,
            PulseWidth = TimeSpan.FromMilliseconds(20),
            WavelengthA = 1.5406,
            TwoThetaMinDeg = 10,
            TwoThetaMaxDeg = 80,
            Detector = "LynxEye",
            UriTemplate = "file:///data/{id}.xy",
        };
        await using var ttl = new TtlPulseTrigger(port, options);
        await ttl.OpenAsync();
        long before = UnixTime.NowNs();
        var r = await ttl.AcquireAsync("T1", 0.3).WaitAsync(Guard);
        long after = UnixTime.NowNs();

        var ev = port.Events;
        Assert.Equal([("RTS", false), ("RTS", true), ("RTS", false)], ev.Select(e => (e.Line, e.Asserted)));
        Assert.True(ev[2].At - ev[1].At >= TimeSpan.FromMilliseconds(19), $"pulse {(ev[2].At - ev[1].At).TotalMilliseconds} ms");
        long edge = UnixTime.ToUnixNs(ev[1].At);
        Assert.InRange(r.StartUnixNs - edge, 0, 5_000_000); // start = leading edge (within 5 ms)
        Assert.Equal(300_000_000, r.EndUnixNs - r.StartUnixNs);
        Assert.True(after >= r.EndUnixNs - 2_000_000, "returned before the end of the exposure");
        Assert.True(r.StartUnixNs >= before);
        Assert.Equal(("T1", 1.5406, 10.0, 80.0, "LynxEye", "file:///data/T1.xy"),
            (r.PatternId, r.WavelengthA!.Value, r.TwoThetaMinDeg, r.TwoThetaMaxDeg, r.Detector, r.Uri));
    }

    [Fact]
    public async Task InvertedPolarityIdlesAssertedAndPulsesDeasserted()
    {
        var port = new FakeModemTransport();
        await using var ttl = new TtlPulseTrigger(port, new TtlPulseOptions { Polarity = TtlPolarity.DeassertDuringPulse, PulseWidth = TimeSpan.FromMilliseconds(1) });
        await ttl.OpenAsync();
        await ttl.AcquireAsync("T2", 0.01).WaitAsync(Guard);
        Assert.Equal([("DTR", true), ("DTR", false), ("DTR", true)], port.Events.Select(e => (e.Line, e.Asserted)));
    }

    [Fact]
    public async Task PairedWithAFolderItReturnsTheDetectorFileWithThePulseTimes()
    {
        using var dir = new TempFolder();
        var port = new FakeModemTransport();
        port.OnChange = (line, asserted) =>
        {
            if (!asserted) return;
            // the "detector pipeline": writes the integrated file shortly after the trigger
            _ = Task.Run(async () =>
            {
                await Task.Delay(100); // stimulus: the detector writes its file a moment after the trigger
                string temp = dir.File(".frame.xy.tmp");
                File.WriteAllText(temp, PyFaiHeader() + Rows(200));
                File.Move(temp, dir.File("frame_00001.xy"));
            });
        };
        var files = new WatchedFolderTrigger(dir.Path, new WatchedFolderOptions { StableFor = TimeSpan.FromMilliseconds(100) });
        await using var ttl = new TtlPulseTrigger(port, new TtlPulseOptions { PulseWidth = TimeSpan.FromMilliseconds(5) }, files);
        await ttl.OpenAsync();
        var r = await ttl.AcquireAsync("T3", 0.05).WaitAsync(Guard);
        long edge = UnixTime.ToUnixNs(port.Events[1].At);
        Assert.InRange(r.StartUnixNs - edge, 0, 5_000_000);
        Assert.Equal(50_000_000, r.EndUnixNs - r.StartUnixNs);
        Assert.Equal("T3", r.PatternId);
        Assert.Equal(0.20664, r.WavelengthA!.Value, 9);
        Assert.Equal("Pilatus CdTe 2M", r.Detector);
        Assert.EndsWith("frame_00001.xy", r.Uri);
    }

    [Fact]
    public async Task ATransportWithoutModemControlIsRefused()
    {
        await using var server = new LineServer(new ScriptedBox((_, _) => ValueTask.CompletedTask)).Start();
        await using var ttl = new TtlPulseTrigger(new TcpTransport("127.0.0.1", server.Port));
        var e = await Assert.ThrowsAsync<TriggerException>(() => ttl.OpenAsync());
        Assert.Contains("no modem-control lines", e.Message);
    }

    [SocatFact]
    public async Task OnAPseudoTerminalItFailsWithTheTransportsModemLinesError()
    {
        await using var server = new LineServer(new ScriptedBox((_, _) => ValueTask.CompletedTask)).Start();
        await using var bridge = await PtyBridge.StartAsync(server);
        await using var ttl = new TtlPulseTrigger(new SerialTransport(new SerialSettings(bridge.LinkPath)));
        var e = await Assert.ThrowsAsync<TransportException>(() => ttl.OpenAsync());
        Assert.Contains(bridge.LinkPath, e.Message);
        Assert.Contains("has no modem-control lines", e.Message);
    }

    [RealModemPortFact]
    public async Task PulsesARealUartModemLine()
    {
        var port = new SerialTransport(new SerialSettings(RealModemPortFactAttribute.Device));
        await using var ttl = new TtlPulseTrigger(port, new TtlPulseOptions { Line = ModemLine.Rts, PulseWidth = TimeSpan.FromMilliseconds(10) });
        await ttl.OpenAsync();
        Assert.False(port.GetModemLines().Rts);
        var r = await ttl.AcquireAsync("uart-1", 0.02).WaitAsync(Guard);
        Assert.Equal(20_000_000, r.EndUnixNs - r.StartUnixNs);
        Assert.False(port.GetModemLines().Rts); // back to idle after the pulse
    }
}
