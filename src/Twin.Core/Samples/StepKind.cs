namespace Twin.Core.Samples;

/// <summary>What the cycler was doing when a sample was taken, as the source declares it.</summary>
public enum StepKind : byte
{
    /// <summary>The source does not say; the twin falls back to the sign of the current.</summary>
    Unknown = 0,
    /// <summary>Charge: current flows into the cell, the cathode is delithiated (c_Li falls).</summary>
    Charge = 1,
    /// <summary>Discharge: the cathode is lithiated (c_Li rises).</summary>
    Discharge = 2,
    /// <summary>Open circuit / rest: no current.</summary>
    Rest = 3,
    /// <summary>Anything else the source names (impedance, pause, end of test).</summary>
    Other = 4,
}
