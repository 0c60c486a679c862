using Microsoft.Extensions.Time.Testing;
using Twin.Core.Lattice;
using Twin.Drivers.Triggers;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;
using Twin.Testing;

namespace Twin.FirmwareSim.Tests.Diffraction;

public sealed class SimulatedDiffractometerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>The background near a position: the lowest intensity within ±0.3°.</summary>
    private static double Background(IntegratedPattern p, double centre)
    {
        double min = double.MaxValue;
        for (int i = 0; i < p.TwoThetaDeg.Count; i++)
            if (Math.Abs(p.TwoThetaDeg[i] - centre) <= 0.3) min = Math.Min(min, p.Intensity[i]);
        return min;
    }

    [Fact]
    public async Task TheWrittenFileParsesBackWithTheDriversParser()
    {
        using var rig = new DiffractionRig(new ResistiveLoad(cathodeCLi: 0.70), speed: 1000, new DiffractometerSettings { NoiseSeed = null });
        var e = await rig.Diffractometer.ExposeAsync("NMC811-0001", 30).WaitAsync(Guard);

        Assert.Equal(Path.Combine(rig.Folder, "NMC811-0001.xy"), e.FilePath);
        Assert.Equal([Path.GetFileName(e.FilePath)], Directory.GetFiles(rig.Folder).Select(Path.GetFileName)); // no temp file left
        var p = IntegratedPatternFile.Read(e.FilePath);
        var h = p.Header;
        Assert.Equal(("NMC811-0001", "sim-detector", 30.0), (h.PatternId, h.Detector, h.ExposureS!.Value));
        Assert.Equal((e.StartUnixNs, e.EndUnixNs), (h.StartUnixNs!.Value, h.EndUnixNs!.Value));
        Assert.Equal(30_000_000_000, e.EndUnixNs - e.StartUnixNs);
        Assert.Equal(XRay.WavelengthFromEnergy(60), h.WavelengthA!.Value, 12);
        Assert.Equal(60, h.EnergyKeV!.Value, 9);
        Assert.Equal(0.5, h.DistanceM);
        Assert.Equal("2th_deg", h.RadialUnit);
        Assert.True(h.RadialUnitDeclared);
        Assert.Equal(5000, p.TwoThetaDeg.Count);
        Assert.NotNull(p.Sigma);
        // the default range covers d from 5.6 Å down to 1.3 Å at 60 keV
        // (the file has 7 significant digits)
        Assert.Equal(2 * Math.Asin(h.WavelengthA!.Value / (2 * 5.6)) * 180 / Math.PI, p.TwoThetaMinDeg, 1e-5);
        Assert.Equal(2 * Math.Asin(h.WavelengthA!.Value / (2 * 1.3)) * 180 / Math.PI, p.TwoThetaMaxDeg, 1e-5);
        Assert.Equal(e.TwoThetaMinDeg, p.TwoThetaMinDeg, 1e-5);
        Assert.Equal(e.TwoThetaMaxDeg, p.TwoThetaMaxDeg, 1e-5);

        // integrated intensities: (003)/(104) ≈ 1.3 (areas above the background, ±0.1° around each)
        double Area(double centre)
        {
            double sum = 0, step = p.TwoThetaDeg[1] - p.TwoThetaDeg[0];
            for (int i = 0; i < p.TwoThetaDeg.Count; i++)
                if (Math.Abs(p.TwoThetaDeg[i] - centre) <= 0.1) sum += (p.Intensity[i] - Background(p, centre)) * step;
            return sum;
        }
        double c003 = e.Peaks.Single(q => q.Reflection.Label == "003").TwoThetaDeg, c104 = e.Peaks.Single(q => q.Reflection.Label == "104").TwoThetaDeg;
        Assert.InRange(Area(c003) / Area(c104), 1.2, 1.4);
        Assert.InRange(p.Intensity.Min(), 0.9 * 5 * 30, 1.5 * 5 * 30); // background 5 counts/s at the high-angle end over 30 s
    }

    [Fact]
    public async Task The003InTheFileMovesWithLithiumContent()
    {
        async Task<double> Measure(double cLi)
        {
            using var rig = new DiffractionRig(new ResistiveLoad(cathodeCLi: cLi), speed: 1000);
            var e = await rig.Diffractometer.ExposeAsync("p", 10).WaitAsync(Guard);
            return PatternPeaks.Maximum(IntegratedPatternFile.Read(e.FilePath), e.Peaks[0].TwoThetaDeg, 0.08);
        }
        double at100 = await Measure(1.0), at040 = await Measure(0.40), at030 = await Measure(0.30);
        Assert.True(at040 < at100 - 0.02, $"(003) at c_Li 0.40 ({at040:F4}°) should sit well below c_Li 1.0 ({at100:F4}°)");
        Assert.True(at030 > at040, $"(003) at c_Li 0.30 ({at030:F4}°) should move back up from 0.40 ({at040:F4}°)");
    }

    [Fact]
    public async Task CLiIsSampledAtMidExposureWhileTheCellCharges()
    {
        var parameters = CellParameters.CoinCell;
        var cell = new EquivalentCircuitCell(parameters);
        // The simulator's clock derives from a manual clock: the cell charges exactly as long as the test steps it.
        var time = new FakeTimeProvider();
        using var rig = new DiffractionRig(cell, speed: 200, time: time);
        const double current = 0.005; // A, charge (delithiates the cathode): dc_Li/dt = −I/(3600·Q_p)
        rig.Bench.Apply(new SourceSetting(SourceMode.Current, current, 4.6));
        var (t0, c0) = rig.Bench.Read(c => (rig.Clock.ElapsedS, c.CathodeCLi));
        double rate = current / (3600 * parameters.PositiveCapacityAh);

        time.Advance(TimeSpan.FromMilliseconds(50)); // 10 simulated s of charge before the exposure
        var exposing = rig.Diffractometer.ExposeAsync("mid", 200); // 200 simulated s = 1 s of the manual clock
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromMilliseconds(10)); return exposing.IsCompleted; }, "the exposure, stepping the clock");
        var e = await exposing;

        Assert.False(cell.StoichiometryLimited);
        Assert.Equal(e.StartUnixNs + 100_000_000_000, e.MidUnixNs);
        double midS = rig.ElapsedAt(e.MidUnixNs);
        // the bench value at the middle of the exposure (to within 0.5 simulated s = 2.5 ms wall of timing between
        // the bench sync and its time stamp)
        Assert.InRange(Math.Abs(c0 - rate * (midS - t0) - e.CLiMid), 0, rate * 0.5);
        Assert.True(e.CLiMid < c0 && c0 - e.CLiMid > 0.5 * rate * 200, "the cell was charging during the exposure");
        Assert.Equal(rig.Lattice.C(e.CLiMid), e.CA, 12);
        Assert.Equal(rig.Lattice.A(e.CLiMid), e.AA, 12);
    }

    [Fact]
    public async Task OneExposureAtATimeAndIdsAreNotReused()
    {
        using var rig = new DiffractionRig(new ResistiveLoad(), speed: 100);
        var first = rig.Diffractometer.ExposeAsync("a", 50); // 0.5 s wall
        Assert.True(rig.Diffractometer.IsBusy);
        var busy = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Diffractometer.ExposeAsync("b", 1));
        Assert.Contains("busy", busy.Message);
        await first.WaitAsync(Guard);
        Assert.False(rig.Diffractometer.IsBusy);
        var again = await Assert.ThrowsAsync<IOException>(() => rig.Diffractometer.ExposeAsync("a", 1));
        Assert.Contains("exists already", again.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => rig.Diffractometer.ExposeAsync("../escape", 1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => rig.Diffractometer.ExposeAsync("ok", -1));
    }

    [Fact]
    public async Task CancellingAnExposureWritesNoFile()
    {
        using var rig = new DiffractionRig(new ResistiveLoad(), speed: 1);
        using var cts = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Diffractometer.ExposeAsync("c", 60, cts.Token));
        Assert.Empty(Directory.GetFiles(rig.Folder));
        Assert.False(rig.Diffractometer.IsBusy);
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        using var rig = new DiffractionRig(new ResistiveLoad(), speed: 1);
        Assert.Throws<ArgumentException>(() => new SimulatedDiffractometer(rig.Bench, rig.Lattice, rig.Folder, new DiffractometerSettings { TwoThetaMinDeg = 10, TwoThetaMaxDeg = 5 }));
        Assert.Throws<ArgumentException>(() => new SimulatedDiffractometer(rig.Bench, rig.Lattice, rig.Folder, new DiffractometerSettings { Points = 3 }));
    }
}
