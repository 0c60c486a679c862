using Twin.Drivers.Experiment;
using Twin.Drivers.Transports;
using Twin.Drivers.Triggers;
using Twin.Testing;

namespace Twin.Drivers.Tests.Experiment;

/// <summary>
/// Pattern records from a run against the firmware simulator's trigger box: c_Li at mid-exposure is the twin's,
/// interpolated from its states — also when the twin answers late — never something the trigger says.
/// </summary>
public class PatternRecordTests
{
    [Fact]
    public async Task Each_record_carries_the_twins_c_li_at_mid_exposure_even_when_the_twin_answers_late()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var trigger = new TcpLineTrigger(new TcpTransport("127.0.0.1", sim.TriggerPort)); // its link timeouts on real time, as the SMU session's
        // the twin's state for a sample reaches the runner two samples (60 simulated s) later: when an exposure of 60 s
        // ends, the twin has not yet said where the cell was at its middle
        var sink = new TwinLoopSink(SimulatorFixture.Cell.PositiveCapacityAh, SimulatorFixture.Cell.InitialCathodeCLi) { FeedbackLag = 2, Time = time };
        var options = SimulatorFixture.Options(600) with
        {
            Time = time,
            Patterns = new PatternPlan(trigger, PatternSchedule.Parse("every 0.1 c_Li"), ExposureS: 60),
        };
        var (runner, _) = SimulatorFixture.Runner(smu, "Charge at C/5 until 4.2 V (30 second period)\nRest for 10 minutes (1 minute period)", options, sink);
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);

        var patterns = sink.Patterns.ToArray();
        Assert.True(patterns.Length >= 4, $"{patterns.Length} patterns\n{sink.EventText}");
        foreach (var p in patterns) AssertTwinCLiAtMidExposure(sink, p);
    }

    /// <summary>The record's c_Li is the twin's, interpolated between the twin's states that bracket mid-exposure.</summary>
    private static void AssertTwinCLiAtMidExposure(TwinLoopSink sink, AcquiredPattern p)
    {
        Assert.True(p.CLiMid is not null, $"{p.PatternId}: no c_Li at mid-exposure\n{sink.EventText}");
        var samples = sink.Samples.ToDictionary(s => s.Seq, s => s.TimeUnixNs);
        var twin = sink.TwinCLi.Select(t => (TimeNs: samples[t.Seq], t.CLi)).ToArray();
        int i = Array.FindIndex(twin, t => t.TimeNs >= p.MidUnixNs);
        var (t0, c0) = twin[i - 1];
        var (t1, c1) = twin[i];
        Assert.Equal(c0 + (c1 - c0) * (p.MidUnixNs - t0) / (double)(t1 - t0), p.CLiMid!.Value, 9);
    }

    [Fact]
    public async Task A_record_waiting_for_the_twin_when_the_run_ends_gets_c_li_from_states_that_arrive_after_the_last_reading()
    {
        var time = new SteppedClock();
        var (result, sink, pattern) = await RunWithTwinBehindAtTheEndAsync(time, releaseAfterLastReading: true);
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        AssertTwinCLiAtMidExposure(sink, pattern);
    }

    [Fact]
    public async Task A_record_still_waiting_for_a_silent_twin_when_the_run_ends_goes_out_without_c_li()
    {
        var time = new SteppedClock();
        var (result, sink, pattern) = await RunWithTwinBehindAtTheEndAsync(time, releaseAfterLastReading: false);
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        Assert.Null(pattern.CLiMid);
        Assert.DoesNotContain(sink.Events, e => e.Message.Contains("failed", StringComparison.Ordinal));
    }

    /// <summary>A 20-minute rest with a pattern asked for at the 12th reading (exposure 60 s, its middle 30 s later),
    /// while the twin's states from the 10th reading on are held back; with <paramref name="releaseAfterLastReading"/>
    /// they are handed over one simulated second after the last step ended, while the run winds down.</summary>
    private static async Task<(RunResult Result, TwinLoopSink Sink, AcquiredPattern Pattern)> RunWithTwinBehindAtTheEndAsync(SteppedClock time, bool releaseAfterLastReading)
    {
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var trigger = new TcpLineTrigger(new TcpTransport("127.0.0.1", sim.TriggerPort));
        var sink = new TwinLoopSink(SimulatorFixture.Cell.PositiveCapacityAh, SimulatorFixture.Cell.InitialCathodeCLi) { HoldFeedbackFromSeq = 10, Time = time };
        var options = SimulatorFixture.Options(600) with
        {
            Time = time,
            Patterns = new PatternPlan(trigger, PatternSchedule.Parse("every 0.5 c_Li"), ExposureS: 60),
        };
        var (runner, _) = SimulatorFixture.Runner(smu, "Rest for 20 minutes (1 minute period)", options, sink);
        string? refused = null;
        sink.OnSample = s => { if (s.Seq == 12) refused = runner.RequestPattern("the test"); };
        ITimer? release = null;
        sink.OnEvent = e =>
        {
            if (e.Kind == RunnerEventKinds.StepEnd && releaseAfterLastReading)
                release = time.CreateTimer(_ => sink.ReleaseHeld(), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        };
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        release?.Dispose();
        Assert.Null(refused);
        var patterns = sink.Patterns.ToArray();
        Assert.True(patterns.Length == 1, $"{patterns.Length} patterns\n{sink.EventText}");
        Assert.True(patterns[0].MidUnixNs < sink.Samples.Max(s => s.TimeUnixNs), "the exposure's middle lies before the last reading");
        return (result, sink, patterns[0]);
    }
}
