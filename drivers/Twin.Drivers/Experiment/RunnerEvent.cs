namespace Twin.Drivers.Experiment;

/// <summary>Kinds of <see cref="RunnerEvent"/>.</summary>
public static class RunnerEventKinds
{
    /// <summary>A protocol step started.</summary>
    public const string StepStart = "step_start";
    /// <summary>A protocol step ended (the message says which condition).</summary>
    public const string StepEnd = "step_end";
    /// <summary>A hold step was skipped because the charge already ended by lithium content or the safe cut-off.</summary>
    public const string StepSkipped = "step_skipped";
    /// <summary>The watchdog fired: the safe voltage cut-off replaces the twin's lithium cut-off.</summary>
    public const string Watchdog = "watchdog";
    /// <summary>A hard limit tripped: output off, run stopped.</summary>
    public const string Interlock = "interlock";
    /// <summary>The instrument link had a problem (retry, recovery or loss).</summary>
    public const string Link = "link";
    /// <summary>A bus command was accepted or refused.</summary>
    public const string Command = "command";
    /// <summary>A diffraction pattern was triggered or failed.</summary>
    public const string Pattern = "pattern";
    /// <summary>Turning the output off was not confirmed (the instrument may still be on; attempts go on), or was confirmed after such attempts.</summary>
    public const string Output = "output";
    /// <summary>The run ended (completed, aborted or failed).</summary>
    public const string Finished = "finished";
}

/// <summary>Something the runner did or noticed, for the event log and the operator.</summary>
/// <param name="TimeUnixNs">When (host clock), ns since the Unix epoch.</param>
/// <param name="Kind">One of <see cref="RunnerEventKinds"/>.</param>
/// <param name="Step">Running step number (0 before the first step).</param>
/// <param name="Message">Human-readable text.</param>
public sealed record RunnerEvent(long TimeUnixNs, string Kind, int Step, string Message);
