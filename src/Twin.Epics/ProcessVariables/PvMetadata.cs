namespace Twin.Epics.ProcessVariables;

/// <summary>
/// What a process variable tells in its GR and CTRL forms: engineering units (EGU, at most 7 characters), display
/// precision (PREC), display limits (LOPR/HOPR), alarm limits (LOLO/LOW/HIGH/HIHI, with the severities they raise)
/// and control limits (DRVL/DRVH); for an enumerated PV, its state strings. Limits that do not apply are NaN.
/// </summary>
public sealed record PvMetadata
{
    /// <summary>Engineering units, e.g. "V" (truncated to 7 characters on the wire).</summary>
    public string Units { get; init; } = "";

    /// <summary>Digits after the decimal point a display should show.</summary>
    public short Precision { get; init; }

    /// <summary>Lower display limit (LOPR), NaN when none.</summary>
    public double DisplayLow { get; init; } = double.NaN;

    /// <summary>Upper display limit (HOPR), NaN when none.</summary>
    public double DisplayHigh { get; init; } = double.NaN;

    /// <summary>Lower alarm limit (LOLO): at or below it the PV is in LOLO alarm with <see cref="LoLoSeverity"/>; NaN when none.</summary>
    public double LoLo { get; init; } = double.NaN;

    /// <summary>Lower warning limit (LOW): at or below it the PV is in LOW alarm with <see cref="LowSeverity"/>; NaN when none.</summary>
    public double Low { get; init; } = double.NaN;

    /// <summary>Upper warning limit (HIGH), NaN when none.</summary>
    public double High { get; init; } = double.NaN;

    /// <summary>Upper alarm limit (HIHI), NaN when none.</summary>
    public double HiHi { get; init; } = double.NaN;

    /// <summary>Severity at or below <see cref="LoLo"/> (LLSV; default MAJOR).</summary>
    public AlarmSeverity LoLoSeverity { get; init; } = AlarmSeverity.Major;

    /// <summary>Severity at or below <see cref="Low"/> (LSV; default MINOR).</summary>
    public AlarmSeverity LowSeverity { get; init; } = AlarmSeverity.Minor;

    /// <summary>Severity at or above <see cref="High"/> (HSV; default MINOR).</summary>
    public AlarmSeverity HighSeverity { get; init; } = AlarmSeverity.Minor;

    /// <summary>Severity at or above <see cref="HiHi"/> (HHSV; default MAJOR).</summary>
    public AlarmSeverity HiHiSeverity { get; init; } = AlarmSeverity.Major;

    /// <summary>Lower control limit (DRVL), NaN when none.</summary>
    public double ControlLow { get; init; } = double.NaN;

    /// <summary>Upper control limit (DRVH), NaN when none.</summary>
    public double ControlHigh { get; init; } = double.NaN;

    /// <summary>State strings of an enumerated PV, index order (at most 16, each at most 25 characters on the wire).</summary>
    public IReadOnlyList<string> States { get; init; } = [];

    /// <summary>The alarm a number raises against these limits (LOLO before LOW, HIHI before HIGH; NaN raises none).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Status and severity.</returns>
    public (AlarmStatus Status, AlarmSeverity Severity) AlarmOf(double value)
    {
        if (double.IsNaN(value)) return (AlarmStatus.None, AlarmSeverity.None);
        if (value <= LoLo) return (AlarmStatus.LoLo, LoLoSeverity);
        if (value >= HiHi) return (AlarmStatus.HiHi, HiHiSeverity);
        if (value <= Low) return (AlarmStatus.Low, LowSeverity);
        if (value >= High) return (AlarmStatus.High, HighSeverity);
        return (AlarmStatus.None, AlarmSeverity.None);
    }
}
