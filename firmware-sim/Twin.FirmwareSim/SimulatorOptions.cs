using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;

namespace Twin.FirmwareSim;

/// <summary>What the firmware simulator runs: one cell on a Keithley-2450-speaking SMU and a diffractometer trigger box,
/// and optionally an Arduino I/O box speaking Firmata (<see cref="Firmata"/>, <see cref="FirmataPtyPath"/>).</summary>
public sealed record SimulatorOptions
{
    /// <summary>Simulated seconds per wall-clock second (≥ 1).</summary>
    public double Speed { get; init; } = 1;

    /// <summary>
    /// The clock simulated time derives from (default <see cref="TimeProvider.System"/>): a test that shares a manual
    /// clock with the driver steps the instrument's time and the driver's together.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The cell before degradation (default: the NMC811‖graphite coin cell). Its
    /// <see cref="CellParameters.PositiveCapacityAh"/> and <see cref="CellParameters.InitialCathodeCLi"/> are what an
    /// operator would type in as Q_Li and c_Li0.</summary>
    public CellParameters Cell { get; init; } = CellParameters.CoinCell;

    /// <summary>
    /// Degradation modes applied to the cell and the SMU, each at most once (default: none): <see cref="DegradationMode.Sei"/>,
    /// <see cref="DegradationMode.Shuttle"/> and <see cref="DegradationMode.Lam"/> change the cell
    /// (<see cref="Degradation.ApplyToCell"/>), <see cref="DegradationMode.Offset"/> the SMU's current measurement
    /// (<see cref="Degradation.CurrentOffsetA"/>).
    /// </summary>
    public IReadOnlyList<Degradation> Degradation { get; init; } = [];

    /// <summary>Cathode material id for the diffractometer's lattice truth (NMC622, NMC811, LNO).</summary>
    public string Material { get; init; } = "NMC811";

    /// <summary>Offset of the simulated sample's lattice against the material's anchors (<see cref="SimulatorLattice"/>);
    /// default <see cref="LatticeOffset.Default"/>.</summary>
    public LatticeOffset LatticeOffset { get; init; } = LatticeOffset.Default;

    /// <summary>Address to listen on (loopback by default: instruments are not exposed to the network unless asked).</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>TCP port of the SMU's SCPI socket; 0 = a free port (see <see cref="SimulatorHost.SmuPort"/>).</summary>
    public int SmuPort { get; init; }

    /// <summary>TCP port of the trigger box; 0 = a free port.</summary>
    public int TriggerPort { get; init; }

    /// <summary>When set, the SMU is also reachable as a pseudo-terminal at this path (through socat).</summary>
    public string? SmuPtyPath { get; init; }

    /// <summary>When set, the trigger box is also reachable as a pseudo-terminal at this path (through socat).</summary>
    public string? TriggerPtyPath { get; init; }

    /// <summary>Whether to run the Arduino I/O box (StandardFirmata, TMP36 on A0) on its own TCP socket; implied by
    /// <see cref="FirmataPtyPath"/>.</summary>
    public bool Firmata { get; init; }

    /// <summary>TCP port of the Arduino I/O box; 0 = a free port.</summary>
    public int FirmataPort { get; init; }

    /// <summary>When set, the Arduino I/O box runs and is reachable as a pseudo-terminal at this path (through socat).</summary>
    public string? FirmataPtyPath { get; init; }

    /// <summary>Folder where the diffractometer writes integrated patterns (<c>.xy</c>).</summary>
    public string PatternFolder { get; init; } = "patterns";

    /// <summary>Diffractometer settings (wavelength, 2θ range, detector name).</summary>
    public DiffractometerSettings Diffractometer { get; init; } = new();
}
