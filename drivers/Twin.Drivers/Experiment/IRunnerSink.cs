using Twin.Drivers.Triggers;

namespace Twin.Drivers.Experiment;

/// <summary>Where the runner sends what it produces (the host publishes it on the bus).</summary>
public interface IRunnerSink
{
    /// <summary>A telemetry sample. Called in sample order from one task; a slow sink slows sampling (back-pressure), it does not drop.</summary>
    ValueTask OnSampleAsync(RunnerSample sample, CancellationToken cancellationToken);

    /// <summary>An event (step start/end, watchdog, interlock, link, command, pattern, finished).</summary>
    ValueTask OnEventAsync(RunnerEvent runnerEvent, CancellationToken cancellationToken);

    /// <summary>A finished diffraction pattern acquisition (c_Li at mid-exposure filled when the twin's state allowed it).</summary>
    ValueTask OnPatternAsync(AcquiredPattern pattern, CancellationToken cancellationToken);
}
