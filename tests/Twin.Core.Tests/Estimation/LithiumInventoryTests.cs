using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Core.Samples;

namespace Twin.Core.Tests.Estimation;

/// <summary>
/// The lithium inventory per cycle (end-of-charge and end-of-discharge c_Li with σ, lithium lost, Q_Li and its drift)
/// and the diagnosis of a disagreement between counting and measurements, on synthetic cells whose error is known:
/// a current offset, loss of active material, a wrong c_Li0, none.
/// </summary>
public class LithiumInventoryTests
{
    private const double QLi = 1.0;
    private const double Current = QLi / 5; // C/5 in units of Q_Li

    private static CellTwin Twin(double cLi0 = 0.9, LithiumFilterSettings? settings = null) =>
        new(CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), QLi, cLi0) with { Estimator = settings ?? LithiumFilterSettings.Default });

    /// <summary>Cycles the cell between true c_Li 0.45 and <paramref name="top"/>(cycle) with 30 min rests, measuring the true
    /// c_Li every 30 min with σ 0.005 when <paramref name="measure"/>.</summary>
    private static CellTwin Cycle(SyntheticCell cell, CellTwin twin, int cycles, bool measure, Func<int, double>? top = null, Action<int>? beforeCharge = null)
    {
        int n = 0;
        void Feed(IEnumerable<CyclerSample> samples)
        {
            foreach (var s in samples)
            {
                twin.Update(s);
                if (measure && ++n % 30 == 0) twin.Observe(cell.Measure(0.005));
            }
        }
        for (int c = 1; c <= cycles; c++)
        {
            beforeCharge?.Invoke(c);
            Feed(cell.Charge(0.45));
            Feed(cell.Rest(1800));
            Feed(cell.Discharge(top?.Invoke(c) ?? 0.9));
            Feed(cell.Rest(1800));
        }
        return twin;
    }

    private static LithiumInventory LastFullCycle(CellTwin twin) => LithiumInventory.Of(twin.Cycles, QLi).Last(r => r.Cycle > 0);

    [Fact]
    public void Counting_alone_is_not_judged()
    {
        var twin = Cycle(new SyntheticCell(QLi, 0.9, Current, 0), Twin(), 2, measure: false);
        Assert.All(twin.Cycles, c => Assert.Equal(LithiumDiagnosis.NoMeasurement, c.Diagnosis));
    }

    [Fact]
    public void Counting_that_matches_the_measurements_is_consistent()
    {
        var twin = Cycle(new SyntheticCell(QLi, 0.9, Current, 0), Twin(), 4, measure: true);
        Assert.All(twin.Cycles.Where(c => c.Cycle > 0), c => Assert.Equal(LithiumDiagnosis.Consistent, c.Diagnosis));
        var last = LastFullCycle(twin);
        Assert.InRange(last.LowestCLi, 0.44, 0.46);
        Assert.InRange(last.HighestCLi, 0.89, 0.91);
        Assert.InRange(Math.Abs(last.LostCLi), 0, 0.005);
        Assert.InRange(last.QLiAh, 0.98, 1.02);
        Assert.True(last.LowestSigma < 0.01, $"σ at the end of charge {last.LowestSigma}");
    }

    [Fact]
    public void A_current_offset_is_diagnosed_as_offset_or_shuttle()
    {
        // Offset C/500: counting drifts by 1/500 of c_Li per hour, about −0.1 over eight 6-hour cycles.
        var twin = Cycle(new SyntheticCell(QLi, 0.9, Current, QLi / 500), Twin(), 8, measure: true);
        var last = LastFullCycle(twin);
        Assert.Equal(LithiumDiagnosis.OffsetOrShuttle, last.Diagnosis);
        Assert.True(last.LowestCountedCLi < last.LowestCLi - 0.05, $"counted {last.LowestCountedCLi} vs estimate {last.LowestCLi}");
        Assert.InRange(last.CurrentOffsetA, 0.5 * QLi / 500, 1.5 * QLi / 500);
    }

    [Fact]
    public void Shrinking_q_li_is_diagnosed_as_loss_of_active_material_with_its_drift()
    {
        // 2 % of the active material per cycle (the simulator's accelerated default); the filter is told Q_Li may
        // wander by 2 % per √(unit c_Li of throughput) instead of the default 0.1 %, the setting for a cell ageing this fast.
        var cell = new SyntheticCell(QLi, 0.9, Current, 0);
        var settings = LithiumFilterSettings.Default with { QLiDriftRelativePerSqrtCLi = 0.02 };
        var twin = Cycle(cell, Twin(settings: settings), 8, measure: true, beforeCharge: c => { if (c > 1) cell.QLiTrueAh *= 0.98; });
        var rows = LithiumInventory.Of(twin.Cycles, QLi);
        var last = rows.Last();
        Assert.Equal(LithiumDiagnosis.ActiveMaterialLoss, last.Diagnosis);
        Assert.InRange(last.QLiAh, cell.QLiTrueAh * 0.97, cell.QLiTrueAh * 1.03);
        Assert.True(last.QLiChangeRelative < -0.1, $"Q_Li change {last.QLiChangeRelative}");
        // True Q_Li falls by 2 % (about 0.018 A·h) per cycle; single cycles scatter with the measurement noise.
        double meanDrift = rows.Where(r => r.Cycle >= 2).Average(r => r.QLiDriftAh);
        Assert.InRange(meanDrift, -0.025, -0.012);
    }

    [Fact]
    public void A_wrong_c_li0_is_diagnosed_as_a_lithium_inventory_shift()
    {
        var twin = Cycle(new SyntheticCell(QLi, 0.85, Current, 0), Twin(cLi0: 0.9), 3, measure: true);
        var last = LastFullCycle(twin);
        Assert.Equal(LithiumDiagnosis.LithiumInventoryShift, last.Diagnosis);
        Assert.InRange(twin.Estimator.CLi0, 0.84, 0.86);
    }

    [Fact]
    public void Lithium_lost_per_cycle_is_the_fall_of_the_end_of_discharge_content()
    {
        // The discharge ends 0.01 lower each cycle (lithium lost at the anode: counting stays right).
        var twin = Cycle(new SyntheticCell(QLi, 0.9, Current, 0), Twin(), 4, measure: true, top: c => 0.9 - 0.01 * c);
        var all = LithiumInventory.Of(twin.Cycles, QLi);
        for (int i = 2; i < all.Count; i++)
        {
            var (r, previous) = (all[i], all[i - 1]);
            // Each end of discharge carries its σ; the difference of two is good to 3·√(σ₁² + σ₂²).
            double tolerance = 3 * Math.Sqrt(r.HighestSigma * r.HighestSigma + previous.HighestSigma * previous.HighestSigma);
            Assert.InRange(r.LostCLi, 0.01 - tolerance, 0.01 + tolerance);
            Assert.Equal(r.LostCLi * r.QLiAh, r.LostAh, 12);
            Assert.Equal(0.01, previous.HighestCountedCLi - r.HighestCountedCLi, 2);
            Assert.Equal(LithiumDiagnosis.Consistent, r.Diagnosis);
        }
    }
}
