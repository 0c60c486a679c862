namespace Twin.Epics.ProcessVariables;

/// <summary>What changed in an update, as the Channel Access event mask bits (DBE_VALUE 1, DBE_LOG 2, DBE_ALARM 4, DBE_PROPERTY 8).</summary>
[Flags]
public enum PvEvents : ushort
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>DBE_VALUE: the value changed.</summary>
    Value = 1,
    /// <summary>DBE_LOG (DBE_ARCHIVE): a change worth archiving.</summary>
    Log = 2,
    /// <summary>DBE_ALARM: the alarm status or severity changed.</summary>
    Alarm = 4,
    /// <summary>DBE_PROPERTY: metadata changed.</summary>
    Property = 8,
}
