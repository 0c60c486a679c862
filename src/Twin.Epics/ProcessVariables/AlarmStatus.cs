namespace Twin.Epics.ProcessVariables;

/// <summary>EPICS alarm status (<c>epicsAlarmCondition</c>), the reason beside the severity. Numbered as in EPICS base.</summary>
public enum AlarmStatus : ushort
{
    /// <summary>NO_ALARM.</summary>
    None = 0,
    /// <summary>READ: the value could not be read.</summary>
    Read = 1,
    /// <summary>WRITE: a write failed.</summary>
    Write = 2,
    /// <summary>HIHI: at or above the upper alarm limit.</summary>
    HiHi = 3,
    /// <summary>HIGH: at or above the upper warning limit.</summary>
    High = 4,
    /// <summary>LOLO: at or below the lower alarm limit.</summary>
    LoLo = 5,
    /// <summary>LOW: at or below the lower warning limit.</summary>
    Low = 6,
    /// <summary>STATE: an enumerated state that is an alarm in itself.</summary>
    State = 7,
    /// <summary>COMM: communication with the source lost.</summary>
    Comm = 9,
    /// <summary>TIMEOUT: the source went silent.</summary>
    Timeout = 10,
    /// <summary>UDF: never set since the start.</summary>
    Undefined = 17,
}
