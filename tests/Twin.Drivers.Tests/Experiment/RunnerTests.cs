using Twin.Core.Samples;
using Twin.Drivers.Experiment;
using Twin.Drivers.Scpi;
using Twin.FirmwareSim.Cell;
using Twin.Testing;

namespace Twin.Drivers.Tests.Experiment;

/// <summary>
/// The experiment runner against the firmware simulator over real TCP and a real pseudo-terminal. Simulator and runner
/// share one stepped clock: simulated time moves only while the runner waits for its next sample, so what the cell
/// passes between two readings does not depend on how fast the machine answers.
/// </summary>
public class RunnerTests
{
    private const string Cycle = """
        Rest for 2 minutes (20 second period)
        Charge at 1C for 20 minutes (30 second period)
        Hold at 4.0 V for 10 minutes (5 second period)
        Discharge at 1C until 3.6 V (30 second period)
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Runs_a_protocol_over_tcp_and_over_a_pty_counting_the_charge_the_cell_saw(bool pty)
    {
        string? path = pty ? Path.Combine(Path.GetTempPath(), $"twin-k2450-{Guid.NewGuid():N}") : null;
        // Each reading of the clock moves it by 1 µs, as time passes between any two readings of a real instrument
        // (otherwise a step's first reading would share the instant of the previous step's last).
        var time = new SteppedClock { AutoAdvanceAmount = TimeSpan.FromTicks(10) };
        await using var sim = await SimulatorFixture.StartAsync(600, path, time);
        string address = pty ? $"serial://{sim.SmuPtyPath}?baud=115200" : sim.SmuAddress;
        await using var smu = SimulatorFixture.Keithley(address);
        var (runner, sink) = SimulatorFixture.Runner(smu, Cycle, SimulatorFixture.Options(600) with { Time = time });
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        Assert.True(result.OutputOffConfirmed);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
        Assert.Equal(4, result.StepsRun);
        var samples = sink.Samples.ToArray();
        Assert.Equal(Enumerable.Range(1, samples.Length).Select(i => (long)i), samples.Select(s => s.Seq));
        Assert.All(samples.Zip(samples.Skip(1)), p => Assert.True(p.Second.TimeUnixNs > p.First.TimeUnixNs));
        // The charge the driver counted (trapezoid over instrument timestamps) matches what the cell model passed, within
        // 2 % of the capacity: at 600× a step change's command group (~20 ms over a pty) lasts ~12 simulated seconds
        // in which the current switches at an unknown instant; at real time the same error is 600 times smaller.
        double cellCharge = sim.Bench.Read(c => c.ChargeAh);
        double tol = 0.02 * SimulatorFixture.Cell.NominalCapacityAh;
        Assert.InRange(samples[^1].ChargeAh, cellCharge - tol, cellCharge + tol);
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.StepEnd && e.Message.StartsWith("voltage") && e.Message.Contains("≤ 3.6 V"));
    }

    [Fact]
    public async Task A_yaml_profile_drives_the_instrument_without_code()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        var profile = Twin.Drivers.Instruments.ScpiProfileLoader.Parse(Instruments.ScpiProfileLoaderTests.Keithley, "k2450-profile.yaml");
        await using var smu = new Twin.Drivers.Instruments.ProfiledSourceMeter(
            new ScpiSession(Twin.Drivers.Transports.TransportAddress.Parse(sim.SmuAddress)), profile);
        var (runner, sink) = SimulatorFixture.Runner(smu, Cycle, SimulatorFixture.Options(600) with { Time = time });
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        Assert.Equal("MODEL 2450", smu.Identity!.Model);
        var samples = sink.Samples.ToArray();
        // Charge at 1C: positive current of the programmed size; hold: voltage at 4.0 V; discharge negative.
        Assert.Contains(samples, s => s.Step == 2 && Math.Abs(s.CurrentA - SimulatorFixture.Cell.NominalCapacityAh) < 1e-6);
        Assert.Contains(samples, s => s.Step == 3 && Math.Abs(s.VoltageV - 4.0) < 1e-3);
        Assert.Contains(samples, s => s.Step == 4 && s.CurrentA < 0);
        Assert.All(samples, s => Assert.True(Math.Abs(s.TimeUnixNs - sim.Bench.Clock.NowUnixNs) < 86_400L * 1_000_000_000, "timestamps from the instrument's clock"));
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
    }

    [Fact]
    public async Task Ends_a_charge_at_the_requested_lithium_content()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(900, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var (runner, sink) = SimulatorFixture.Runner(smu, "Charge at C/2 until c_Li 0.6 (20 second period)\nRest for 1 minute (20 second period)",
            SimulatorFixture.Options(900) with { LithiumCutoff = false, Time = time });
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        double cell = sim.Bench.Read(c => c.CathodeCLi);
        Assert.InRange(cell, 0.59, 0.61);
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.StepEnd && e.Message.Contains("reached 0.6"));
    }

    [Fact]
    public async Task The_twins_lithium_cutoff_ends_cc_and_skips_the_cv_hold()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var (runner, sink) = SimulatorFixture.Runner(smu, "Charge at C/5 until 4.2 V (30 second period)\nHold at 4.2 V until C/50 (30 second period)\nRest for 5 minutes (1 minute period)",
            SimulatorFixture.Options(600) with { Time = time });
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        double cell = sim.Bench.Read(c => c.CathodeCLi);
        // The cut-off acts on the twin's lower bound c_Li − 2σ reaching c_Li,min = 0.40: with counting only σ ≈ 0.024 there
        // (σ(c_Li0) = 0.02 and 3 % of the charge passed), so the cell stops near 0.40 + 2σ ≈ 0.45, not at 0.40.
        double bound = sink.TwinLowerBound.Last().CLiLow, twin = sink.TwinCLi.Last().CLi;
        Assert.True(bound is >= 0.39 and <= 0.40, $"twin's lower bound {bound} at the stop\n{sink.EventText}");
        Assert.True(Math.Abs(cell - twin) < 0.005 && cell is >= 0.43 and <= 0.47, $"cell c_Li {cell}, twin {twin}\n{sink.EventText}");
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.StepSkipped && e.Message.Contains("Hold at 4.2 V"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public async Task A_twin_that_answers_late_still_ends_the_charge_where_its_bound_reaches_c_li_min(int lag)
    {
        // The twin's state for sample n reaches the runner with sample n + lag (40 readings: 20 minutes of charge, as a
        // 1 s delay of the twin at 1200× would be). The runner carries the state forward by the charge it counted since.
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var sink = new TwinLoopSink(SimulatorFixture.Cell.PositiveCapacityAh, SimulatorFixture.Cell.InitialCathodeCLi) { FeedbackLag = lag };
        var (runner, _) = SimulatorFixture.Runner(smu, "Charge at C/5 until 4.2 V (30 second period)\nRest for 5 minutes (1 minute period)",
            SimulatorFixture.Options(600) with { Time = time }, sink);
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        long last = sink.Samples.Last(s => s.Step == 1).Seq;
        var bounds = sink.TwinLowerBound.ToDictionary(b => b.Seq, b => b.CLiLow);
        // The twin's own (unlagged) bound at the reading that ended the charge and at the one before: never past the
        // reading where it reaches c_Li,min = 0.40; with a lag, at most one reading early (σ is carried forward with the
        // first-order growth |Δc_Li|·σ(Q_Li)/Q_Li, a little more than the filter's).
        double atStop = bounds[last], before = bounds[last - 1], next = atStop - (before - atStop);
        Assert.True(before > 0.40, $"bound {before} then {atStop}: the charge ended late (lag {lag})\n{sink.EventText}");
        if (lag == 0) Assert.True(atStop <= 0.40, $"bound {atStop} at the stop\n{sink.EventText}");
        else Assert.True(next <= 0.40, $"bound {atStop} at the stop, about {next} one reading later: the charge ended early (lag {lag})\n{sink.EventText}");
        var end = sink.Events.Single(e => e.Kind == RunnerEventKinds.StepEnd && e.Step == 1);
        Assert.Contains("the twin's lithium cut-off", end.Message);
        if (lag > 0) Assert.Contains("carried forward", end.Message);
    }

    [Fact]
    public async Task A_twin_further_behind_than_the_runner_can_carry_forward_counts_as_silent()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var sink = new TwinLoopSink(SimulatorFixture.Cell.PositiveCapacityAh, SimulatorFixture.Cell.InitialCathodeCLi) { FeedbackLag = 30 };
        var (runner, _) = SimulatorFixture.Runner(smu, "Charge at C/5 until 4.2 V (30 second period)",
            SimulatorFixture.Options(600) with { Time = time, TwinLagReadings = 20 }, sink);
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        var fired = sink.Events.Single(e => e.Kind == RunnerEventKinds.Watchdog);
        Assert.Contains("the twin's state lies more than 20 readings", fired.Message);
        Assert.Contains("safe voltage cut-off 4.150 V", fired.Message);
        Assert.Contains("watchdog: voltage", sink.Events.Last(e => e.Kind == RunnerEventKinds.StepEnd).Message);
    }

    [Fact]
    public async Task A_silent_twin_during_a_charge_makes_the_runner_fall_back_to_the_safe_cutoff_within_the_watchdog_time()
    {
        // One manual clock drives the simulator, the runner's sampling and its watchdog: the test steps it to the runner's
        // next sampling deadline (every 10 s simulated at 250× = 40 ms) whenever the runner waits for it, so the bound is exact.
        var time = new SteppedClock();
        const double speed = 250;
        var period = TimeSpan.FromMilliseconds(40);
        var timeout = TimeSpan.FromSeconds(1.5);
        await using var sim = await SimulatorFixture.StartAsync(speed, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var sink = new TwinLoopSink(SimulatorFixture.Cell.PositiveCapacityAh, SimulatorFixture.Cell.InitialCathodeCLi) { FeedUntilSeq = 40, Time = time };
        var options = SimulatorFixture.Options(speed) with { WatchdogTimeout = timeout, Time = time };
        var (runner, _) = SimulatorFixture.Runner(smu, "Charge at C/2 until c_Li 0.3 (10 second period)", options, sink);
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.Completed, result.Outcome);
        var fired = sink.Events.Single(e => e.Kind == RunnerEventKinds.Watchdog);
        var silence = TimeSpan.FromTicks((fired.TimeUnixNs - UnixTime.ToUnixNs(sink.LastFedAt!.Value)) / 100);
        // Fired at the first sample after the watchdog time: later than the timeout, by at most one sampling period.
        Assert.True(silence > timeout && silence <= timeout + period, $"watchdog fired {silence.TotalMilliseconds} ms after the last heartbeat");
        Assert.Equal(period * (Math.Floor(timeout / period) + 1), silence);
        var end = sink.Events.Last(e => e.Kind == RunnerEventKinds.StepEnd);
        Assert.Contains("watchdog: voltage", end.Message);
        Assert.Contains("safe cut-off 4.150 V", end.Message);
        Assert.InRange(sink.Samples.Last().VoltageV, 4.15, 4.2);
    }

    [Fact]
    public async Task A_hard_limit_trips_turns_the_output_off_and_says_which()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(900, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var (runner, sink) = SimulatorFixture.Runner(smu, "Rest for 1 minute (20 second period)\nDischarge at 1C until 2.5 V (20 second period)",
            SimulatorFixture.Options(900, minV: 3.3) with { Time = time });
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.Interlock, result.Outcome);
        Assert.Contains("below the hard limit 3.300 V", result.Message);
        Assert.True(result.OutputOffConfirmed);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
    }

    [Fact]
    public async Task Setpoints_beyond_the_hard_limits_are_never_sent()
    {
        var time = new SteppedClock();
        await using var sim = await SimulatorFixture.StartAsync(600, time: time);
        await using var smu = SimulatorFixture.Keithley(sim.SmuAddress);
        var (runner, _) = SimulatorFixture.Runner(smu, "Charge at 5C until 4.2 V", SimulatorFixture.Options(600) with { Time = time });
        var result = await time.StepUntilDoneAsync(runner.RunAsync(), "the runner");
        Assert.Equal(RunOutcome.InstrumentFailure, result.Outcome);
        Assert.Contains("exceeds the hard limit", result.Message);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
        // Nothing was sourced: the only charge is the simulated 2450's power-on output-off mode (NORMal = 0 V) loading
        // the cell for the moments before the driver switched it to high impedance.
        Assert.InRange(sim.Bench.Read(c => c.ChargeAh), -1e-7, 0);
    }
}
