using Twin.FirmwareSim.Cell;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// A simulated powder diffractometer looking at the cathode of the cell on the bench. An exposure starts at the
/// simulator clock's now, samples the cathode lithium content at mid-exposure (interpolated between the bench readings
/// that bracket the exact middle), ends after the exposure (waiting on the
/// clock the simulator clock derives from: simulated seconds / <see cref="Timing.SimClock.Speed"/>), places the
/// reflections of <see cref="LayeredOxideReflection.Default"/> from a(c_Li), c(c_Li) of the simulator's own lattice
/// truth (<see cref="SimulatorLattice"/>, not the twin's model) at the cell's true c_Li, and writes an integrated
/// <c>.xy</c> file (<see cref="IntegratedPatternWriter"/>) named <c>&lt;pattern id&gt;.xy</c> into the output folder.
/// The file carries what a real integrated pattern carries; the truth (c_Li, a, c, peak positions) stays in the
/// returned <see cref="DiffractionExposure"/>.
/// </summary>
/// <remarks>One exposure at a time; thread-safe.</remarks>
public sealed class SimulatedDiffractometer
{
    private static readonly TimeSpan s_spinWindow = TimeSpan.FromMilliseconds(15);
    private readonly CellBench _bench;
    private readonly SimulatorLattice _lattice;
    private int _busy;

    /// <summary>Creates the diffractometer.</summary>
    /// <param name="bench">The bench holding the cell and the simulator clock.</param>
    /// <param name="lattice">The simulator's lattice truth of the cell's cathode material (e.g. <c>new SimulatorLattice(MaterialCatalog.Default.Get("NMC811"))</c>).</param>
    /// <param name="outputFolder">Folder the pattern files go to (created when missing).</param>
    /// <param name="settings">Beam, range and profile; defaults (60 keV, d from 5.6 to 1.3 Å, 5000 points) when null.</param>
    /// <exception cref="ArgumentException">Invalid settings.</exception>
    public SimulatedDiffractometer(CellBench bench, SimulatorLattice lattice, string outputFolder, DiffractometerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        _bench = bench;
        _lattice = lattice;
        Settings = settings ?? new DiffractometerSettings();
        Settings.Validate();
        OutputFolder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(OutputFolder);
    }

    /// <summary>The settings.</summary>
    public DiffractometerSettings Settings { get; }

    /// <summary>Absolute output folder.</summary>
    public string OutputFolder { get; }

    /// <summary>The simulator's lattice truth used.</summary>
    public SimulatorLattice Lattice => _lattice;

    /// <summary>Whether an exposure is running.</summary>
    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    /// <summary>Reflections the diffractometer would draw at a lithium content (the simulator's truth).</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>The reflections of <see cref="LayeredOxideReflection.Default"/> with d, 2θ at the configured wavelength and FWHM.</returns>
    public IReadOnlyList<SimulatedPeak> PeaksAt(double cLi) => PatternSynthesizer.Peaks(_lattice, cLi, Settings);

    /// <summary>Runs one exposure and writes its pattern file.</summary>
    /// <param name="patternId">Pattern id: 1–64 of <c>[A-Za-z0-9_.-]</c>, not starting with '.'; the file is <c>&lt;id&gt;.xy</c>.</param>
    /// <param name="exposureS">Exposure in simulated seconds, (0, 86400].</param>
    /// <param name="cancellationToken">Aborts the exposure (no file is written).</param>
    /// <returns>The exposure record with the truth: c_Li at mid-exposure, a, c and the peaks drawn.</returns>
    /// <exception cref="ArgumentException">Invalid id or exposure.</exception>
    /// <exception cref="InvalidOperationException">An exposure is already running ("busy").</exception>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public async Task<DiffractionExposure> ExposeAsync(string patternId, double exposureS, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(patternId))
            throw new ArgumentException($"invalid pattern id '{patternId}': expected 1–64 characters of [A-Za-z0-9_.-], not starting with '.'", nameof(patternId));
        if (!(exposureS > 0 && exposureS <= 86400))
            throw new ArgumentOutOfRangeException(nameof(exposureS), exposureS, "exposure must be in (0, 86400] s");
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) throw new InvalidOperationException("busy: an exposure is running");
        try
        {
            string path = Path.Combine(OutputFolder, patternId + ".xy");
            if (File.Exists(path)) throw new IOException($"{path}: a pattern with id '{patternId}' exists already");
            var clock = _bench.Clock;
            double startS = clock.ElapsedS;
            long startNs = clock.NowUnixNs;
            long endNs = startNs + (long)Math.Round(exposureS * 1e9);

            // c_Li at the exact middle: the last bench reading at or before it and the first at or after it,
            // interpolated linearly (the readings are microseconds to milliseconds apart, so even a late wake-up on a
            // busy machine does not move the value off the middle).
            double midS = startS + exposureS / 2;
            var before = Sample();
            await WaitUntilAsync(midS, s_spinWindow, cancellationToken).ConfigureAwait(false);
            var near = Sample();
            if (near.S <= midS) before = near;
            await WaitUntilAsync(midS, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var after = Sample();
            if (near.S >= midS && near.S < after.S) after = near;
            double cLi = after.S - before.S > 0
                ? before.CLi + (after.CLi - before.CLi) * (midS - before.S) / (after.S - before.S)
                : after.CLi;
            long midNs = startNs + (endNs - startNs) / 2;
            await WaitUntilAsync(startS + exposureS, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);

            var peaks = PeaksAt(cLi);
            var (tthMin, tthMax) = Settings.TwoThetaRangeDeg();
            var exposure = new DiffractionExposure(
                patternId, startNs, endNs, exposureS, Settings.WavelengthA, tthMin, tthMax,
                Settings.Detector, path, cLi, midNs, _lattice.A(cLi), _lattice.C(cLi), peaks);
            var noise = Settings.NoiseSeed is { } seed ? new Random(seed ^ StableHash(patternId)) : null;
            var (x, y, s) = PatternSynthesizer.Profile(Settings, peaks, exposureS, noise);
            IntegratedPatternWriter.Write(path, exposure, Settings.DistanceM, x, y, s);
            return exposure;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Reads the cathode c_Li through the bench (which first advances the cell to now) with the simulator time of the reading.</summary>
    private (double S, double CLi) Sample()
    {
        var clock = _bench.Clock;
        return _bench.Read(cell => (clock.ElapsedS, cell.CathodeCLi));
    }

    /// <summary>
    /// Waits until the simulator clock is within <paramref name="lead"/> (time of the clock it derives from) of
    /// <paramref name="targetS"/>: a timer for most of the wait, then (for a zero lead, on the system clock) a short
    /// spin for precision. A manual clock moves only when stepped, so its timer alone is waited on.
    /// </summary>
    private async Task WaitUntilAsync(double targetS, TimeSpan lead, CancellationToken ct)
    {
        var clock = _bench.Clock;
        var window = clock.Time == TimeProvider.System ? s_spinWindow : TimeSpan.Zero;
        while (true)
        {
            var remaining = TimeSpan.FromSeconds((targetS - clock.ElapsedS) / clock.Speed) - lead;
            if (remaining <= TimeSpan.Zero) return;
            if (remaining > window)
            {
                // Timers of a TimeProvider run in whole milliseconds: round up, so a manual clock's timer never
                // becomes a zero delay (a spin that never arms a timer) and never wakes before the target.
                var delay = remaining - window;
                if (window == TimeSpan.Zero) delay = TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
                await Task.Delay(delay, clock.Time, ct).ConfigureAwait(false);
                continue;
            }
            ct.ThrowIfCancellationRequested();
            var spin = new SpinWait();
            while (TimeSpan.FromSeconds((targetS - clock.ElapsedS) / clock.Speed) > lead) spin.SpinOnce(sleep1Threshold: -1);
            return;
        }
    }

    internal static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || id[0] == '.') return false;
        foreach (char ch in id)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-')) return false;
        return true;
    }

    private static int StableHash(string s)
    {
        unchecked
        {
            uint h = 2166136261; // FNV-1a
            foreach (char ch in s) h = (h ^ ch) * 16777619;
            return (int)h;
        }
    }
}
