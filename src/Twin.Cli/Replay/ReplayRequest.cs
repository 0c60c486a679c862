using Twin.Core.Cells;
using Twin.Data.Readers;

namespace Twin.Cli.Replay;

/// <summary>What <c>twin replay</c> was asked to do.</summary>
/// <param name="File">The cycler export.</param>
/// <param name="Cell">The cell's twin configuration.</param>
/// <param name="Reader">Format override and lenient mode.</param>
/// <param name="OutDir">Directory for samples.csv, events.json, summary.json and report.html (and measurements.csv when
/// there are measurements); null writes nothing.</param>
/// <param name="Measurements">Patterns, lattice CSV and rest-voltage settings to fuse; null: counting only (rest
/// voltages still when the cell's counter electrode is known, with the default settings).</param>
internal sealed record ReplayRequest(string File, CellConfig Cell, ReaderOptions Reader, string? OutDir, MeasurementOptions? Measurements = null)
{
    /// <summary>Also write experiment.nxs (NeXus/HDF5) into <see cref="OutDir"/> (<c>--nexus</c>).</summary>
    public bool Nexus { get; init; }
}
