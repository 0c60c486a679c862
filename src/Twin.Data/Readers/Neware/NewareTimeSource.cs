namespace Twin.Data.Readers.Neware;

/// <summary>Which clock of a Neware export gives the test time.</summary>
internal enum NewareTimeSource
{
    /// <summary><c>Total Time</c>: elapsed since the start of the test (preferred).</summary>
    Total,

    /// <summary><c>Date</c>/<c>Realtime</c>: wall-clock timestamp of each row.</summary>
    Absolute,

    /// <summary><c>Time</c>: elapsed since the start of the step; accumulated across steps.</summary>
    StepRelative,
}
