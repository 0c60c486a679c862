using Microsoft.Extensions.Time.Testing;
using Twin.FirmwareSim.Firmata;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Timing;

namespace Twin.FirmwareSim.Tests.Firmata;

/// <summary>The simulated StandardFirmata board's answers, on a manual clock so reports come only when the test steps it.</summary>
public sealed class ArduinoFirmataSimulatorTests
{
    private sealed class Capture : IByteSink
    {
        private readonly FirmataDecoder _decoder = new(FirmataDirection.BoardToHost);
        public List<FirmataMessage> Messages { get; } = [];
        public void Send(ReadOnlySpan<byte> bytes) => _decoder.Feed(bytes, Messages.Add);
        public List<FirmataMessage> Take()
        {
            var all = Messages.ToList();
            Messages.Clear();
            return all;
        }
    }

    private static (ArduinoFirmataSimulator Board, Capture Out, FakeTimeProvider Time) Start()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var board = new ArduinoFirmataSimulator(new SimClock(10, time: time));
        var capture = new Capture();
        board.Attach(capture);
        return (board, capture, time);
    }

    [Fact]
    public void Answers_the_version_firmware_capability_and_analog_mapping_queries()
    {
        var (board, output, _) = Start();
        using var _b = board;
        board.Receive([.. FirmataEncoder.Version(request: true), .. FirmataEncoder.Sysex(FirmataCommand.ReportFirmware, []),
            .. FirmataEncoder.Sysex(FirmataCommand.CapabilityQuery, []), .. FirmataEncoder.Sysex(FirmataCommand.AnalogMappingQuery, [])]);
        var m = output.Take();
        Assert.Equal(4, m.Count);
        Assert.Equal(new byte[] { 2, 5 }, m[0].Data);
        Assert.Equal(FirmataCommand.ReportFirmware, m[1].SysexId);
        Assert.Equal(FirmataCommand.CapabilityResponse, m[2].SysexId);
        // per pin: (mode, resolution) pairs ended by 0x7F; 20 pins
        var pins = new List<List<(int Mode, int Res)>>();
        var current = new List<(int, int)>();
        for (int i = 1; i < m[2].Data.Length;)
        {
            if (m[2].Data[i] == 0x7F) { pins.Add(current); current = []; i++; }
            else { current.Add((m[2].Data[i], m[2].Data[i + 1])); i += 2; }
        }
        Assert.Equal(20, pins.Count);
        Assert.Empty(pins[0]);
        Assert.Empty(pins[1]);
        Assert.Contains(((int)FirmataPinMode.Output, 1), pins[7]);
        Assert.Contains(((int)FirmataPinMode.Analog, 10), pins[14]);
        Assert.DoesNotContain(pins[7], p => p.Mode == (int)FirmataPinMode.Analog);
        Assert.Contains(((int)FirmataPinMode.Pwm, 8), pins[3]);
        Assert.Equal(FirmataCommand.AnalogMappingResponse, m[3].SysexId);
        Assert.Equal([.. Enumerable.Repeat((byte)0x7F, 14), 0, 1, 2, 3, 4, 5], m[3].Data.Skip(1).ToArray());
    }

    [Fact]
    public void Digital_writes_are_logged_as_edges_with_the_simulator_time_and_read_back_by_pin_state()
    {
        var (board, output, time) = Start();
        using var _b = board;
        board.Receive(FirmataEncoder.SetPinMode(7, FirmataPinMode.Output));
        board.Receive(FirmataEncoder.SetDigitalPinValue(7, true));
        time.Advance(TimeSpan.FromMilliseconds(10)); // 0.1 simulated s at 10×
        board.Receive(FirmataEncoder.Digital(0, 0)); // port 0 all low: pin 7 falls
        board.Receive(FirmataEncoder.Digital(1, 0b0010_0000)); // pin 13 rises
        board.Receive(FirmataEncoder.SetDigitalPinValue(7, false)); // no change, no edge
        var edges = board.Edges();
        Assert.Equal(3, edges.Count);
        Assert.Equal((7, true), (edges[0].Pin, edges[0].High));
        Assert.Equal((7, false), (edges[1].Pin, edges[1].High));
        Assert.Equal((13, true), (edges[2].Pin, edges[2].High));
        Assert.Equal(100_000_000, edges[1].SimTimeUnixNs - edges[0].SimTimeUnixNs);
        Assert.Equal([0, 1, 2], edges.Select(e => e.Sequence));
        Assert.True(board.IsHigh(13));
        board.Receive(FirmataEncoder.Sysex(FirmataCommand.PinStateQuery, [13]));
        var state = Assert.Single(output.Take(), x => x.SysexId == FirmataCommand.PinStateResponse);
        Assert.Equal(new byte[] { FirmataCommand.PinStateResponse, 13, (byte)FirmataPinMode.Output, 1 }, state.Data);
        // writes to a pin that is not an output change nothing
        board.Receive(FirmataEncoder.SetDigitalPinValue(14, true));
        Assert.Equal(3, board.Edges().Count);
    }

    [Fact]
    public void Analog_reporting_sends_the_tmp36_counts_at_once_and_then_every_sampling_interval()
    {
        var (board, output, time) = Start();
        using var _b = board;
        board.CellSensor.TemperatureC = 25;
        board.Receive(FirmataEncoder.ReportAnalog(0, true));
        var first = Assert.Single(output.Take());
        Assert.Equal((FirmataCommand.AnalogMessage, (byte)0, 153), (first.Command, first.Channel, first.Value14(0))); // ⌊0.75 V·1024/5 V⌋
        time.Advance(TimeSpan.FromMilliseconds(19 * 5));
        Assert.Equal(5, output.Take().Count(x => x.Command == FirmataCommand.AnalogMessage));
        board.CellSensor.TemperatureC = 60; // 1.1 V → 225 counts
        board.Receive(FirmataEncoder.Sysex(FirmataCommand.SamplingInterval, [100, 0]));
        Assert.Equal(100, board.SamplingIntervalMs);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Empty(output.Take());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(225, Assert.Single(output.Take()).Value14(0));
        board.Receive(FirmataEncoder.ReportAnalog(0, false));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(output.Take());
    }

    [Fact]
    public void Unknown_sysex_features_are_ignored_without_an_answer_and_reset_drops_outputs_and_reporting()
    {
        var (board, output, time) = Start();
        using var _b = board;
        board.Receive(FirmataEncoder.Sysex(0x0B, [1, 2, 3])); // e.g. a ConfigurableFirmata extension
        Assert.Empty(output.Take());
        Assert.Equal(0x0B, Assert.Single(board.IgnoredMessages()).SysexId);
        board.Receive([.. FirmataEncoder.SetPinMode(7, FirmataPinMode.Output), .. FirmataEncoder.SetDigitalPinValue(7, true), .. FirmataEncoder.ReportAnalog(0, true)]);
        output.Take();
        board.Receive([FirmataCommand.SystemReset]);
        Assert.False(board.IsHigh(7));
        Assert.False(board.Edges(7)[^1].High);
        Assert.False(board.IsReportingAnalog(0));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(output.Take());
        Assert.Equal(FirmataPinMode.Analog, board.PinMode(14));
    }

    [Theory]
    [InlineData(25.0, 153)]
    [InlineData(-40.0, 20)]
    [InlineData(125.0, 358)]
    [InlineData(500.0, 1023)]
    [InlineData(-100.0, 0)]
    public void Tmp36_counts_follow_the_data_sheet_and_clip_at_the_adc_limits(double celsius, int counts)
    {
        var sensor = new Tmp36Sensor { TemperatureC = celsius };
        Assert.Equal(counts, sensor.AdcCounts);
    }
}
