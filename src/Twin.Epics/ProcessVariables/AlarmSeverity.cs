namespace Twin.Epics.ProcessVariables;

/// <summary>EPICS alarm severity (<c>epicsAlarmSeverity</c>: NO_ALARM, MINOR, MAJOR, INVALID), sent in every STS, TIME, GR and CTRL value.</summary>
public enum AlarmSeverity : ushort
{
    /// <summary>NO_ALARM.</summary>
    None = 0,
    /// <summary>MINOR.</summary>
    Minor = 1,
    /// <summary>MAJOR.</summary>
    Major = 2,
    /// <summary>INVALID: the value cannot be trusted (e.g. no data yet).</summary>
    Invalid = 3,
}
