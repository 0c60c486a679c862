using Twin.FirmwareSim.Cell;

namespace Twin.FirmwareSim.Tests.Cell;

/// <summary>Small protocol helpers driving an <see cref="EquivalentCircuitCell"/> the way a cycler would.</summary>
internal static class CellRig
{
    /// <summary>CC charge at <paramref name="currentA"/> with compliance <paramref name="vMax"/>; stops at the first
    /// reading in compliance. Returns the time taken, s.</summary>
    public static double ChargeCc(EquivalentCircuitCell cell, double currentA, double vMax, double dtS = 1, double maxS = 1e6)
    {
        var setting = new SourceSetting(SourceMode.Current, currentA, vMax);
        double t = 0;
        while (t < maxS)
        {
            CellReading r = cell.Advance(dtS, setting);
            t += dtS;
            if (r.InCompliance) return t;
        }
        throw new InvalidOperationException("CC charge did not reach the voltage limit");
    }

    /// <summary>Holds <paramref name="volts"/> until the current falls below <paramref name="endCurrentA"/>.</summary>
    public static double Hold(EquivalentCircuitCell cell, double volts, double endCurrentA, double currentLimitA, double dtS = 1, double maxS = 1e6)
    {
        var setting = new SourceSetting(SourceMode.Voltage, volts, currentLimitA);
        double t = 0;
        while (t < maxS)
        {
            CellReading r = cell.Advance(dtS, setting);
            t += dtS;
            if (Math.Abs(r.CurrentA) < endCurrentA) return t;
        }
        throw new InvalidOperationException("hold did not end");
    }

    /// <summary>CC discharge at <paramref name="currentA"/> (magnitude) until the terminal voltage falls to <paramref name="vMin"/>.</summary>
    public static double DischargeCc(EquivalentCircuitCell cell, double currentA, double vMin, double dtS = 1, double maxS = 1e6)
    {
        var setting = new SourceSetting(SourceMode.Current, -currentA, 5.0);
        double t = 0;
        while (t < maxS)
        {
            CellReading r = cell.Advance(dtS, setting);
            t += dtS;
            if (r.VoltageV <= vMin) return t;
        }
        throw new InvalidOperationException("discharge did not reach the voltage limit");
    }

    /// <summary>Rests (output off) for <paramref name="seconds"/>.</summary>
    public static void Rest(EquivalentCircuitCell cell, double seconds, double dtS = 1)
    {
        for (double t = 0; t < seconds; t += dtS) cell.Advance(dtS, SourceSetting.Off);
    }
}
