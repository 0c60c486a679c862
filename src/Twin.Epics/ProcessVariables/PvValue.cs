namespace Twin.Epics.ProcessVariables;

/// <summary>
/// One value of a process variable with its alarm and time stamp. Numbers (DOUBLE, LONG, the index of an ENUM) are in
/// <see cref="Number"/>; a STRING PV's text is in <see cref="Text"/>.
/// </summary>
/// <param name="Number">The number (NaN when unknown).</param>
/// <param name="Text">The text of a STRING PV (null otherwise).</param>
/// <param name="TimeUnixNs">When the value was valid, ns since the Unix epoch (0: not yet set).</param>
/// <param name="Status">Alarm status.</param>
/// <param name="Severity">Alarm severity.</param>
public readonly record struct PvValue(double Number, string? Text, long TimeUnixNs, AlarmStatus Status, AlarmSeverity Severity)
{
    /// <summary>The value of a PV never set: NaN, UDF alarm with INVALID severity, as an EPICS record before its first processing.</summary>
    public static PvValue Undefined => new(double.NaN, null, 0, AlarmStatus.Undefined, AlarmSeverity.Invalid);
}
