namespace Twin.Drivers.Experiment;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>Every step ran to one of its conditions.</summary>
    Completed,
    /// <summary>Stopped by an operator command or cancellation; output off.</summary>
    Aborted,
    /// <summary>A hard limit tripped; output off.</summary>
    Interlock,
    /// <summary>The instrument link was lost and could not be restored, or the instrument failed.</summary>
    InstrumentFailure,
}

/// <summary>Summary of a run.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Message">Why, in words.</param>
/// <param name="Samples">Samples taken.</param>
/// <param name="StepsRun">Steps started.</param>
/// <param name="OutputOffConfirmed">Whether the final output-off command was acknowledged by the instrument.</param>
/// <param name="Timing">Sampling-time statistics (wall clock).</param>
public sealed record RunResult(RunOutcome Outcome, string Message, long Samples, int StepsRun, bool OutputOffConfirmed, SamplingStats Timing);
