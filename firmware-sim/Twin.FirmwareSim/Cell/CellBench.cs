using Twin.FirmwareSim.Timing;

namespace Twin.FirmwareSim.Cell;

/// <summary>
/// The simulated cell on the bench: one cell, one clock, one source setting. Every simulated instrument
/// (source-measure unit, diffractometer) reads the cell through the bench, which first advances the cell to
/// the clock's present time under the setting that was applied. Thread-safe.
/// </summary>
public sealed class CellBench
{
    private readonly Lock _gate = new();
    private double _syncedS;
    private SourceSetting _setting = SourceSetting.Off;
    private CellReading _last;

    /// <summary>Puts a cell on the bench.</summary>
    /// <param name="cell">The cell model.</param>
    /// <param name="clock">The simulator clock.</param>
    public CellBench(ISimulatedCell cell, SimClock clock)
    {
        Cell = cell;
        Clock = clock;
        _syncedS = clock.ElapsedS;
        _last = new CellReading(cell.VoltageV, cell.CurrentA, false);
    }

    /// <summary>The simulator clock.</summary>
    public SimClock Clock { get; }

    /// <summary>The cell model (read it through <see cref="Read{T}"/> so its state is current).</summary>
    public ISimulatedCell Cell { get; }

    /// <summary>The source setting now applied.</summary>
    public SourceSetting Setting
    {
        get { lock (_gate) return _setting; }
    }

    /// <summary>Advances the cell to now under the present setting and returns the terminal reading.</summary>
    public CellReading Measure()
    {
        lock (_gate)
        {
            SyncLocked();
            return _last;
        }
    }

    /// <summary>Advances the cell to now, then reads something from it under the bench lock.</summary>
    /// <typeparam name="T">What is read.</typeparam>
    /// <param name="read">Reads the cell (called under the lock; keep it short).</param>
    public T Read<T>(Func<ISimulatedCell, T> read)
    {
        lock (_gate)
        {
            SyncLocked();
            return read(Cell);
        }
    }

    /// <summary>Advances the cell to now under the old setting, then applies <paramref name="setting"/>.</summary>
    public void Apply(SourceSetting setting)
    {
        lock (_gate)
        {
            SyncLocked();
            _setting = setting;
            _last = Cell.Advance(0, setting);
        }
    }

    private void SyncLocked()
    {
        double now = Clock.ElapsedS;
        double dt = now - _syncedS;
        if (dt <= 0) return;
        _last = Cell.Advance(dt, _setting);
        _syncedS = now;
    }
}
