using Twin.FirmwareSim.Cell;
using Xunit.Abstractions;

namespace Twin.FirmwareSim.Tests.Cell;

/// <summary>The "vicious circle" of Jousseaume et al. (Energy Environ. Sci. 2024): lithium lost to the SEI moves
/// the cathode's operating window to lower c_Li cycle by cycle.</summary>
public class LithiumLossTests(ITestOutputHelper output)
{
    private sealed record CycleEnds(double EndOfChargeCLi, double EndOfDischargeCLi, double AnodeAtTop);

    private static List<CycleEnds> Cycle(CellParameters p, int cycles)
    {
        var cell = new EquivalentCircuitCell(p);
        double c5 = p.NominalCapacityAh / 5;
        var ends = new List<CycleEnds>();
        for (int n = 0; n < cycles; n++)
        {
            CellRig.ChargeCc(cell, c5, 4.2, dtS: 2);
            CellRig.Hold(cell, 4.2, p.NominalCapacityAh / 50, c5, dtS: 2);
            double top = cell.CathodeCLi, anodeTop = cell.AnodeStoichiometry;
            CellRig.Rest(cell, 600, dtS: 10);
            CellRig.DischargeCc(cell, c5, 2.5, dtS: 2);
            CellRig.Rest(cell, 600, dtS: 10);
            ends.Add(new CycleEnds(top, cell.CathodeCLi, anodeTop));
            Assert.False(cell.StoichiometryLimited);
        }
        Assert.Equal(cycles - 1, cell.Cycle);
        return ends;
    }

    [Fact]
    public void Lithium_loss_lowers_both_ends_of_the_cathode_window_cycle_by_cycle()
    {
        List<CycleEnds> ends = Cycle(CellParameters.CoinCell, 6);
        for (int n = 0; n < ends.Count; n++)
            output.WriteLine($"cycle {n + 1}: c_Li end of CC-CV charge {ends[n].EndOfChargeCLi:F5}, end of discharge {ends[n].EndOfDischargeCLi:F5}, anode x at top {ends[n].AnodeAtTop:F4}");
        for (int n = 1; n < ends.Count; n++)
        {
            Assert.True(ends[n].EndOfDischargeCLi < ends[n - 1].EndOfDischargeCLi - 0.002, $"end-of-discharge c_Li did not fall in cycle {n + 1}");
            Assert.True(ends[n].EndOfChargeCLi < ends[n - 1].EndOfChargeCLi - 1e-4, $"end-of-charge c_Li did not fall in cycle {n + 1}");
        }
        Assert.True(ends[^1].EndOfChargeCLi < 0.40);
    }

    [Fact]
    public void Without_lithium_loss_the_window_stays_put()
    {
        List<CycleEnds> ends = Cycle(CellParameters.CoinCell with { SeiLossFraction = 0 }, 3);
        for (int n = 1; n < ends.Count; n++)
        {
            Assert.Equal(ends[0].EndOfChargeCLi, ends[n].EndOfChargeCLi, 1e-4);
            Assert.Equal(ends[0].EndOfDischargeCLi, ends[n].EndOfDischargeCLi, 1e-3);
        }
    }

    [Fact]
    public void End_of_discharge_drift_per_cycle_is_the_lost_lithium_over_Q_p()
    {
        CellParameters p = CellParameters.CoinCell;
        List<CycleEnds> ends = Cycle(p, 3);
        // Charge passed per charge ≈ Q_p·(bottom − top); a fraction f of it is lost.
        double expected = p.SeiLossFraction * (ends[1].EndOfDischargeCLi - ends[1].EndOfChargeCLi);
        double drift = ends[1].EndOfDischargeCLi - ends[2].EndOfDischargeCLi;
        output.WriteLine($"drift {drift:F5} per cycle, f·Δc_Li = {expected:F5}");
        Assert.Equal(expected, drift, 0.0005);
    }
}
