using Twin.Core.Materials;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;
using Twin.FirmwareSim.Timing;

namespace Twin.FirmwareSim.Tests.Diffraction;

/// <summary>A bench with a cell, a simulated diffractometer writing into a fresh temp folder (deleted on dispose).</summary>
internal sealed class DiffractionRig : IDisposable
{
    public DiffractionRig(ISimulatedCell cell, double speed, DiffractometerSettings? settings = null, string material = "NMC811", TimeProvider? time = null,
        LatticeOffset? offset = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "twin-xrd-" + Guid.NewGuid().ToString("N")[..12]);
        Clock = new SimClock(speed, startUnixNs: 1_750_000_000_000_000_000, time: time);
        Bench = new CellBench(cell, Clock);
        Lattice = new SimulatorLattice(MaterialCatalog.Default.Get(material), offset);
        Diffractometer = new SimulatedDiffractometer(Bench, Lattice, Folder, settings);
    }

    public string Folder { get; }
    public SimClock Clock { get; }
    public CellBench Bench { get; }
    public SimulatorLattice Lattice { get; }
    public SimulatedDiffractometer Diffractometer { get; }

    /// <summary>Simulated seconds since the clock's start for a wire time.</summary>
    public double ElapsedAt(long unixNs) => (unixNs - 1_750_000_000_000_000_000) / 1e9;

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
