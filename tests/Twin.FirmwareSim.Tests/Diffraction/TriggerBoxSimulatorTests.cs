using System.Collections.Concurrent;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;
using Twin.FirmwareSim.Net;

namespace Twin.FirmwareSim.Tests.Diffraction;

public sealed class TriggerBoxSimulatorTests
{
    private sealed class Sink : ILineReplySink
    {
        public BlockingCollection<string> Lines { get; } = [];
        public ValueTask SendLineAsync(string line, CancellationToken cancellationToken = default) { Lines.Add(line); return ValueTask.CompletedTask; }
        public ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public string Next() => Lines.TryTake(out var l, TimeSpan.FromSeconds(30)) ? l : throw new TimeoutException("no reply line");
    }

    [Fact]
    public async Task SpeaksTheTriggerProtocol()
    {
        using var rig = new DiffractionRig(new ResistiveLoad(cathodeCLi: 0.5), speed: 100);
        using var box = new TriggerBoxSimulator(rig.Diffractometer);
        var sink = new Sink();

        await box.HandleLineAsync("*IDN?", sink, default);
        Assert.Equal("Twin,SimTriggerBox,0,1.0", sink.Next());
        await box.HandleLineAsync("HELLO", sink, default);
        Assert.StartsWith("ERR - unknown command 'HELLO'", sink.Next());
        await box.HandleLineAsync("TRIG", sink, default);
        Assert.StartsWith("ERR - usage: TRIG <id> <exposure_s>", sink.Next());
        await box.HandleLineAsync("TRIG p1 ten", sink, default);
        Assert.StartsWith("ERR p1 exposure 'ten'", sink.Next());

        await box.HandleLineAsync("TRIG p1 20", sink, default);
        Assert.Equal("ACK p1", sink.Next());
        await box.HandleLineAsync("TRIG p2 1", sink, default);
        Assert.Equal("ERR p2 busy", sink.Next());
        string done = sink.Next();
        var t = done.Split(' ');
        Assert.Equal(("DONE", "p1"), (t[0], t[1]));
        Assert.Equal(20_000_000_000, long.Parse(t[3]) - long.Parse(t[2]));
        var kv = t[4..].Select(x => x.Split('=', 2)).ToDictionary(x => x[0], x => x[1]);
        // what a real box knows: beam, range, detector, file, exposure — nothing of the cell's lithium content
        Assert.Equal(["wavelength_A", "energy_keV", "tth_min", "tth_max", "detector", "uri", "exposure_s"], kv.Keys);
        Assert.True(File.Exists(new Uri(kv["uri"]).LocalPath));
        Assert.Equal(1, box.Completed);
        Assert.Equal("p1", box.LastExposure!.PatternId);

        await box.HandleLineAsync("TRIG p1 1", sink, default); // same id again: the file exists
        Assert.Equal("ACK p1", sink.Next());
        string err = sink.Next();
        Assert.StartsWith("ERR p1 ", err);
        Assert.Contains("exists already", err);
    }
}
