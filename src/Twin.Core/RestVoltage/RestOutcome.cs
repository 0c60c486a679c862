namespace Twin.Core.RestVoltage;

/// <summary>How a rest ended, as judged by the <see cref="RelaxationDetector"/>.</summary>
public enum RestOutcome
{
    /// <summary>The voltage met the slope criterion for at least the hold time: its relaxed value is an observation.</summary>
    Relaxed,

    /// <summary>The rest lasted a full slope window but the voltage was still drifting faster than the threshold.</summary>
    StillRelaxing,

    /// <summary>The rest ended before a full slope window had passed.</summary>
    TooShort,

    /// <summary>Time ran backwards during the rest; the rest was abandoned.</summary>
    Interrupted,
}
