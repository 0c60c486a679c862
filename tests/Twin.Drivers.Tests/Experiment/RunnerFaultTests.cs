using Twin.Drivers.Experiment;
using Twin.Drivers.Scpi;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Faults;

namespace Twin.Drivers.Tests.Experiment;

/// <summary>Each fault the simulator injects: the runner recovers or stops safely, and its events say which.</summary>
public class RunnerFaultTests
{
    private const string Protocol = """
        Charge at 1C for 30 minutes (30 second period)
        Rest for 5 minutes (30 second period)
        Discharge at 1C for 20 minutes (30 second period)
        """;

    private static async Task<(RunResult Result, TwinLoopSink Sink, FirmwareSim.SimulatorHost Sim)> RunWithFault(Action<FirmwareSim.SimulatorHost, TwinLoopSink> arm, ScpiOptions? scpi = null)
    {
        var sim = await SimulatorFixture.StartAsync(600);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress, scpi);
        var (runner, sink) = SimulatorFixture.Runner(smu, Protocol, SimulatorFixture.Options(600) with { LithiumCutoff = false, SafeCutoffV = 4.25 });
        arm(sim, sink);
        var result = await runner.RunAsync();
        return (result, sink, sim);
    }

    [Fact]
    public async Task Dropped_link_is_restored_and_the_run_completes()
    {
        var (result, sink, sim) = await RunWithFault((sim, sink) =>
            sink.OnEvent = e => { if (e.Kind == RunnerEventKinds.StepStart && e.Step == 2) sim.SmuFaults.DropLinkNow(); });
        await using var owned = sim;
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        Assert.Equal(1, sim.SmuFaults.DropsInjected);
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.Link && e.Message.Contains("restored", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
    }

    [Fact]
    public async Task Garbage_in_a_reply_costs_one_reading_and_the_run_completes()
    {
        var (result, sink, sim) = await RunWithFault((sim, sink) =>
            sink.OnEvent = e => { if (e.Kind == RunnerEventKinds.StepStart && e.Step == 1) sim.SmuFaults.Garbage(1); });
        await using var owned = sim;
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        Assert.Equal(1, sim.SmuFaults.GarbageLinesInjected);
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.Link && e.Message.Contains("reading 1/5 failed"));
    }

    [Fact]
    public async Task An_error_queue_entry_is_reported_the_settings_resent_and_the_run_completes()
    {
        var (result, sink, sim) = await RunWithFault((sim, sink) =>
            sink.OnEvent = e => { if (e.Kind == RunnerEventKinds.StepEnd && e.Step == 1) sim.SmuFaults.PushError(-300, "Device-specific error; simulated"); });
        await using var owned = sim;
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.Link && e.Message.Contains("-300") && e.Message.Contains("sending the settings once more"));
    }

    [Fact]
    public async Task Replies_slower_than_the_timeout_stop_the_run_with_the_output_off()
    {
        var (result, sink, sim) = await RunWithFault((sim, sink) =>
        {
            // The instrument turns slow after the run's fifth reading.
            sink.OnSample = s => { if (s.Seq == 5) sim.SmuFaults.SlowReplies = TimeSpan.FromSeconds(1.5); };
            // The instrument answers in time again once the run gave up, so the output-off command is confirmed.
            sink.OnEvent = e => { if (e.Kind == RunnerEventKinds.Link && e.Message.Contains("reading 5/5 failed")) sim.SmuFaults.SlowReplies = TimeSpan.Zero; };
        }, new ScpiOptions { Timeout = TimeSpan.FromSeconds(0.5), ReconnectAttempts = 1 });
        await using var owned = sim;
        Assert.Equal(RunOutcome.InstrumentFailure, result.Outcome);
        Assert.Contains("no reply", result.Message);
        Assert.True(result.OutputOffConfirmed, result.Message);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Category", "Pty")]
    public async Task A_black_hole_link_keeps_the_runner_turning_the_output_off_until_the_instrument_confirms(bool pty)
    {
        // the connection stays open (TCP, or a pty through socat) but nothing passes either way
        await using var sim = await SimulatorFixture.StartAsync(600, pty ? Path.Combine(Path.GetTempPath(), "twin-bh-" + Guid.NewGuid().ToString("N")[..12]) : null);
        string address = pty ? $"serial://{sim.SmuPtyPath}?baud=115200" : sim.SmuAddress;
        await using var smu = SimulatorFixture.Keithley(address, new ScpiOptions { Timeout = TimeSpan.FromSeconds(0.5), ReconnectAttempts = 2, ReconnectDelay = TimeSpan.FromMilliseconds(50) });
        var (runner, sink) = SimulatorFixture.Runner(smu, Protocol, SimulatorFixture.Options(600) with
        {
            LithiumCutoff = false, SafeCutoffV = 4.25, OutputOffRetryDelay = TimeSpan.FromMilliseconds(100), OutputOffRetryMaxDelay = TimeSpan.FromMilliseconds(400),
        });
        int warnings = 0;
        bool onDuringSilence = false;
        // the link goes silent at the step's first reading: the instrument has answered it, so it has carried out the
        // commands sent before it and sources (at the step's start event the output-on command may still be on its way)
        sink.OnSample = s => { if (s.Step == 1) sim.SmuFaults.Blackhole = true; };
        sink.OnEvent = e =>
        {
            if (e.Kind == RunnerEventKinds.Output && e.Message.StartsWith("WARNING: the instrument may still be ON", StringComparison.Ordinal) && ++warnings == 3)
            {
                onDuringSilence = sim.Smu.OutputOn; // what the warnings say: the output is still on
                sim.SmuFaults.Blackhole = false;    // the link comes back
            }
        };
        var result = await runner.RunAsync();
        Assert.Equal(RunOutcome.InstrumentFailure, result.Outcome);
        Assert.True(onDuringSilence, "the SMU kept sourcing while the link was silent");
        Assert.True(sim.SmuFaults.BlackholedLines > 0);
        Assert.True(result.OutputOffConfirmed, result.Message + "\n" + sink.EventText);
        Assert.Matches(@"; output off \(confirmed after [4-9] attempts\)$", result.Message);
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.Output && e.Message.StartsWith("output off confirmed by the instrument after", StringComparison.Ordinal));
        Assert.False(sim.Smu.OutputOn);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
    }

    [Fact]
    public async Task An_instrument_that_never_answers_again_is_reported_as_possibly_on_until_the_attempts_are_abandoned()
    {
        await using var sim = await SimulatorFixture.StartAsync(600);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress, new ScpiOptions { Timeout = TimeSpan.FromSeconds(0.5), ReconnectAttempts = 2, ReconnectDelay = TimeSpan.FromMilliseconds(50) });
        var (runner, sink) = SimulatorFixture.Runner(smu, Protocol, SimulatorFixture.Options(600) with
        {
            LithiumCutoff = false, SafeCutoffV = 4.25, OutputOffRetryDelay = TimeSpan.FromMilliseconds(100), OutputOffRetryMaxDelay = TimeSpan.FromMilliseconds(200),
        });
        int warnings = 0;
        sink.OnEvent = e =>
        {
            if (e.Kind == RunnerEventKinds.StepStart && e.Step == 2) _ = sim.SmuServer.StopAsync();
            if (e.Kind == RunnerEventKinds.Output && ++warnings == 4) runner.AbandonOutputOff(); // the process is being stopped
        };
        var result = await runner.RunAsync();
        Assert.Equal(RunOutcome.InstrumentFailure, result.Outcome);
        Assert.False(result.OutputOffConfirmed);
        Assert.Contains("output-off NOT confirmed", result.Message);
        var output = sink.Events.Where(e => e.Kind == RunnerEventKinds.Output).Select(e => e.Message).ToList();
        Assert.Equal(5, output.Count);
        Assert.All(output, m => Assert.StartsWith("WARNING: the instrument may still be ON", m));
        Assert.Contains("gave up turning the output off after 4 attempt(s)", output[^1]); // abandoned while waiting for the fifth
    }
}
