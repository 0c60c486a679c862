using Twin.FirmwareSim.Cell;

namespace Twin.FirmwareSim.Tests.Smu;

public sealed class ResistiveLoadTests
{
    [Fact]
    public void Ohms_law_compliance_and_charge()
    {
        var load = new ResistiveLoad(3.7, 0.5, 30);
        Assert.Equal(new CellReading(3.7, 0, false), load.Advance(0, SourceSetting.Off));
        Assert.Equal(new CellReading(4.2, 1.0, false), load.Advance(0, new SourceSetting(SourceMode.Current, 1.0, 4.5)));
        load.Advance(3600, new SourceSetting(SourceMode.Current, 1.0, 4.5));
        Assert.Equal(1.0, load.ChargeAh, 9);
        var cc = load.Advance(0, new SourceSetting(SourceMode.Current, 1.0, 4.0));
        Assert.True(cc.InCompliance);
        Assert.Equal(4.0, cc.VoltageV, 12);
        Assert.Equal(0.6, cc.CurrentA, 12);
        var cv = load.Advance(0, new SourceSetting(SourceMode.Voltage, 3.0, 0.5));
        Assert.Equal(new CellReading(3.45, -0.5, true), cv with { VoltageV = Math.Round(cv.VoltageV, 12) });
        Assert.Equal(30, load.TemperatureC);
        Assert.Equal(0, load.Cycle);
        load.Advance(1, new SourceSetting(SourceMode.Current, 0.1, 5));
        Assert.Equal(1, load.Cycle);                       // a charge after a discharge starts a cycle
    }
}
