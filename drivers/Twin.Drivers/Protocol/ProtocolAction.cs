namespace Twin.Drivers.Protocol;

/// <summary>What a protocol step does to the cell.</summary>
public enum ProtocolAction
{
    /// <summary>Output off, no current; ends on a duration.</summary>
    Rest,
    /// <summary>Constant current (or C-rate) into the cell: delithiates the cathode.</summary>
    Charge,
    /// <summary>Constant current (or C-rate) out of the cell: relithiates the cathode.</summary>
    Discharge,
    /// <summary>Constant voltage (potentiostatic hold), the CV part of a CC-CV charge.</summary>
    Hold,
}
