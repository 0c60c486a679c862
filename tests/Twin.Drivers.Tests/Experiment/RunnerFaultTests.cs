using Twin.Drivers.Experiment;
using Twin.Drivers.Scpi;
using Twin.FirmwareSim.Cell;

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

    [Fact]
    public async Task A_lost_instrument_stops_the_run_and_says_the_output_off_is_unconfirmed()
    {
        var (result, sink, sim) = await RunWithFault((sim, sink) =>
            sink.OnEvent = e => { if (e.Kind == RunnerEventKinds.StepStart && e.Step == 2) _ = sim.SmuServer.StopAsync(); },
            new ScpiOptions { Timeout = TimeSpan.FromSeconds(0.5), ReconnectAttempts = 2, ReconnectDelay = TimeSpan.FromMilliseconds(50) });
        await using var owned = sim;
        Assert.Equal(RunOutcome.InstrumentFailure, result.Outcome);
        Assert.False(result.OutputOffConfirmed);
        Assert.Contains("output-off NOT confirmed", result.Message);
    }
}
