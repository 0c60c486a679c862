namespace Twin.Core.Cutoff;

/// <summary>What the cut-off policy says about the running step.</summary>
public enum CutoffDecision : byte
{
    /// <summary>Keep going.</summary>
    Continue = 0,
    /// <summary>End the charge: c_Li reached c_Li,min.</summary>
    StopLithium = 1,
    /// <summary>End the charge: the hard voltage limit was reached.</summary>
    StopVoltage = 2,
}
