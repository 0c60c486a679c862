using Microsoft.Extensions.Time.Testing;
using Twin.Drivers.Transports;
using Twin.Drivers.Triggers;
using Twin.FirmwareSim.Net;
using Twin.Testing;

namespace Twin.Drivers.Tests.Triggers;

public sealed class TcpLineTriggerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly TcpLineTriggerOptions Fast = new() { AckTimeout = TimeSpan.FromSeconds(2), DoneMargin = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task AcquiresFromTheSimulatedBoxOverTcp()
    {
        await using var rig = new SimulatedBoxRig(speed: 100, cLi: 0.62);
        await using var trigger = new TcpLineTrigger(rig.NewTransport(), Fast);
        await trigger.OpenAsync();
        Assert.Equal("Twin,SimTriggerBox,0,1.0", trigger.Identification);
        Assert.Equal($"trigger-box tcp://127.0.0.1:{rig.Server.Port}", trigger.Name);

        var r = await trigger.AcquireAsync("NMC811-c1-0001", 10).WaitAsync(Guard); // 10 simulated s = 0.1 s wall
        Assert.Equal("NMC811-c1-0001", r.PatternId);
        Assert.Equal(10_000_000_000, r.EndUnixNs - r.StartUnixNs);
        Assert.Equal(10, r.ExposureS);
        Assert.Equal(12.398419843320026 / 60, r.WavelengthA!.Value, 12);
        Assert.Equal(60, r.EnergyKeV!.Value, 9);
        Assert.Equal("sim-detector", r.Detector);
        Assert.Null(r.CLiMid); // the box knows nothing of the cell's lithium: the driver fills in the twin's

        string path = new Uri(r.Uri).LocalPath;
        var file = IntegratedPatternFile.Read(path);
        Assert.Equal(file.TwoThetaMinDeg, r.TwoThetaMinDeg, 1e-5); // the file has 7 significant digits
        Assert.Equal(file.TwoThetaMaxDeg, r.TwoThetaMaxDeg, 1e-5);
        Assert.Equal(r.StartUnixNs, file.Header.StartUnixNs);
        Assert.Equal(r.EndUnixNs, file.Header.EndUnixNs);
        Assert.Equal("NMC811-c1-0001", file.Header.PatternId);

        var second = await trigger.AcquireAsync("NMC811-c1-0002", 5).WaitAsync(Guard);
        Assert.True(second.StartUnixNs >= r.EndUnixNs);
        Assert.Equal("Twin,SimTriggerBox,0,1.0", await trigger.IdentifyAsync());
    }

    [Fact]
    public async Task ATriggerWhileBusyIsRefusedWithBusy()
    {
        // The simulator's clock stands still until the test steps it: the first exposure lasts until then, however slow the machine.
        var time = new FakeTimeProvider();
        await using var rig = new SimulatedBoxRig(speed: 100, time: time);
        await using var first = new TcpLineTrigger(rig.NewTransport(), Fast);
        await using var second = new TcpLineTrigger(rig.NewTransport(), Fast);
        await first.OpenAsync();
        await second.OpenAsync();
        var running = first.AcquireAsync("long", 150);
        await Wait.UntilAsync(() => rig.Diffractometer.IsBusy, "the first exposure to start");
        var e = await Assert.ThrowsAsync<TriggerException>(() => second.AcquireAsync("other", 1));
        Assert.Contains("pattern 'other'", e.Message);
        Assert.Contains("trigger box reported an error: busy", e.Message);
        Assert.False(running.IsCompleted);
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return running.IsCompleted; }, "the first exposure (150 s simulated), stepping the clock");
        Assert.Equal("long", (await running).PatternId);
        // a clean refusal keeps the session usable
        var other = second.AcquireAsync("other", 1);
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromMilliseconds(10)); return other.IsCompleted; }, "the second exposure, stepping the clock");
        Assert.Equal("other", (await other).PatternId);
    }

    private static async Task<(LineServer Server, TcpLineTrigger Trigger)> Scripted(Func<string[], ILineReplySink, ValueTask> trig, TcpLineTriggerOptions? options = null)
    {
        var server = new LineServer(ScriptedBox.OnTrig(trig)).Start();
        var trigger = new TcpLineTrigger(new TcpTransport("127.0.0.1", server.Port), options ?? Fast);
        await trigger.OpenAsync();
        return (server, trigger);
    }

    private static async Task<TriggerException> Fails(Func<string[], ILineReplySink, ValueTask> trig, string id = "P9")
    {
        var (server, trigger) = await Scripted(trig);
        await using (server)
        await using (trigger)
        {
            var e = await Assert.ThrowsAsync<TriggerException>(() => trigger.AcquireAsync(id, 0.1).WaitAsync(Guard));
            Assert.Contains($"tcp://127.0.0.1:{server.Port}", e.Message);
            Assert.Contains($"pattern '{id}'", e.Message);
            Assert.Equal(id, e.PatternId);
            return e;
        }
    }

    private const string GoodKeys = "wavelength_A=1.5406 tth_min=10 tth_max=80 detector=D uri=file:///x.xy";

    [Fact]
    public async Task MissingAckTimesOut()
    {
        var e = await Fails((_, _) => ValueTask.CompletedTask);
        Assert.Contains("no ACK within 2 s", e.Message);
    }

    [Fact]
    public async Task AnErrReplyIsReported()
    {
        var e = await Fails(async (t, r) => await r.SendLineAsync($"ERR {t[1]} shutter closed"));
        Assert.Contains("trigger box reported an error: shutter closed", e.Message);
    }

    [Fact]
    public async Task AnErrAfterTheAckIsReported()
    {
        var e = await Fails(async (t, r) => { await r.SendLineAsync($"ACK {t[1]}"); await r.SendLineAsync($"ERR {t[1]} detector readout failed"); });
        Assert.Contains("detector readout failed", e.Message);
    }

    [Fact]
    public async Task AMalformedDoneIsReported()
    {
        var e = await Fails(async (t, r) => { await r.SendLineAsync($"ACK {t[1]}"); await r.SendLineAsync($"DONE {t[1]} 200 100 {GoodKeys}"); });
        Assert.Contains("malformed DONE line (end time '100' is not an integer of ns since the Unix epoch at or after the start)", e.Message);
    }

    [Fact]
    public async Task ADoneWithoutRequiredKeysIsReported()
    {
        var e = await Fails(async (t, r) => { await r.SendLineAsync($"ACK {t[1]}"); await r.SendLineAsync($"DONE {t[1]} 100 200 tth_min=1 tth_max=2 detector=D uri=u"); });
        Assert.Contains("missing wavelength_A= or energy_keV=", e.Message);
    }

    [Fact]
    public async Task ADoneForAnotherPatternIsReported()
    {
        var e = await Fails(async (t, r) => { await r.SendLineAsync($"ACK {t[1]}"); await r.SendLineAsync($"DONE OTHER 100 200 {GoodKeys}"); });
        Assert.Contains("completion for the wrong pattern", e.Message);
        Assert.Contains("DONE OTHER", e.Message);
    }

    [Fact]
    public async Task AnAckForAnotherPatternIsReported()
    {
        var e = await Fails(async (_, r) => await r.SendLineAsync("ACK OTHER"));
        Assert.Contains("acknowledgement for the wrong pattern", e.Message);
    }

    [Fact]
    public async Task ALostLinkIsReportedAndTheNextCallReconnects()
    {
        int calls = 0;
        LineServer? server = null;
        var (s, trigger) = await Scripted(async (t, r) =>
        {
            await r.SendLineAsync($"ACK {t[1]}");
            if (Interlocked.Increment(ref calls) == 1) server!.DropConnections();
            else await r.SendLineAsync($"DONE {t[1]} 100 200 {GoodKeys} c_li_mid=0.5");
        });
        server = s;
        await using (server)
        await using (trigger)
        {
            var e = await Assert.ThrowsAsync<TriggerException>(() => trigger.AcquireAsync("P1", 0.1).WaitAsync(Guard));
            Assert.Contains("pattern 'P1'", e.Message);
            Assert.Matches("link (closed|lost)", e.Message);
            var ok = await trigger.AcquireAsync("P2", 0.1).WaitAsync(Guard);
            Assert.Equal(("P2", 100L, 200L, 1.5406), (ok.PatternId, ok.StartUnixNs, ok.EndUnixNs, ok.WavelengthA!.Value));
            Assert.Null(ok.CLiMid); // a c_li_mid= key from a box is ignored like any unknown key
            Assert.Equal(0.1, ok.ExposureS); // defaults to the requested exposure
            Assert.Equal(2, server.ConnectionsAccepted);
        }
    }

    [Fact]
    public async Task ABoxThatDoesNotIdentifyFailsOnOpen()
    {
        await using var server = new LineServer(new ScriptedBox((_, _) => ValueTask.CompletedTask)).Start();
        await using var trigger = new TcpLineTrigger(new TcpTransport("127.0.0.1", server.Port), Fast);
        var e = await Assert.ThrowsAsync<TriggerException>(() => trigger.OpenAsync());
        Assert.Contains("no answer to *IDN? within 2 s", e.Message);
        Assert.Contains($"tcp://127.0.0.1:{server.Port}", e.Message);
    }

    [Fact]
    public async Task InvalidRequestsAreRejectedBeforeSending()
    {
        await using var rig = new SimulatedBoxRig();
        await using var trigger = new TcpLineTrigger(rig.NewTransport(), Fast);
        await Assert.ThrowsAsync<ArgumentException>(() => trigger.AcquireAsync("has space", 1));
        await Assert.ThrowsAsync<ArgumentException>(() => trigger.AcquireAsync(".hidden", 1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => trigger.AcquireAsync("ok", 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => trigger.AcquireAsync("ok", double.NaN));
    }

    [Fact]
    public async Task InjectedFaultsOnTheSimulatedBoxSurfaceAsClearErrors()
    {
        await using var rig = new SimulatedBoxRig(speed: 100);
        await using var trigger = new TcpLineTrigger(rig.NewTransport(), Fast);
        await trigger.OpenAsync();

        rig.Server.Faults.Garbage(1); // the ACK arrives corrupted
        var garbled = await Assert.ThrowsAsync<TriggerException>(() => trigger.AcquireAsync("F1", 1).WaitAsync(Guard));
        Assert.Contains("pattern 'F1'", garbled.Message);
        Assert.Contains("expected 'ACK F1'", garbled.Message);
        await rig.Box.CurrentExposure.WaitAsync(Guard); // the box still ran that exposure

        rig.Server.Faults.DropLinkAfter(0); // the box hangs up when the TRIG arrives
        var dropped = await Assert.ThrowsAsync<TriggerException>(() => trigger.AcquireAsync("F2", 1).WaitAsync(Guard));
        Assert.Contains("pattern 'F2'", dropped.Message);
        Assert.Matches("link (closed|lost)", dropped.Message);

        var ok = await trigger.AcquireAsync("F3", 1).WaitAsync(Guard); // reconnects and works again
        Assert.Equal("F3", ok.PatternId);
    }

    [SocatFact]
    public async Task AcquiresFromTheSimulatedBoxOverAPseudoTerminal()
    {
        await using var rig = new SimulatedBoxRig(speed: 100, cLi: 0.55);
        await using var bridge = await PtyBridge.StartAsync(rig.Server);
        await using var trigger = new TcpLineTrigger(new SerialTransport(new SerialSettings(bridge.LinkPath) { BaudRate = 115200 }), Fast);
        await trigger.OpenAsync();
        Assert.StartsWith("trigger-box serial://", trigger.Name);
        var r = await trigger.AcquireAsync("pty-0001", 10).WaitAsync(Guard);
        Assert.Equal("pty-0001", r.PatternId);
        Assert.Null(r.CLiMid);
        Assert.True(File.Exists(new Uri(r.Uri).LocalPath));
    }
}
