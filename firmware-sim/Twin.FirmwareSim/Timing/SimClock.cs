using System.Diagnostics;

namespace Twin.FirmwareSim.Timing;

/// <summary>
/// The simulator's clock: starts at the wall-clock time of construction and runs <see cref="Speed"/> times
/// faster, so a two-cycle experiment fits into minutes. Instruments report time from this clock.
/// </summary>
public sealed class SimClock
{
    private readonly long _startUnixNs;
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    /// <summary>Creates a clock.</summary>
    /// <param name="speed">Simulated seconds per wall-clock second (≥ 1; 1 = real time).</param>
    /// <param name="startUnixNs">Simulated start time, ns since the Unix epoch (default: now).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="speed"/> is below 1 or not finite.</exception>
    public SimClock(double speed = 1, long? startUnixNs = null)
    {
        if (!(speed >= 1) || !double.IsFinite(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be a finite number ≥ 1");
        Speed = speed;
        _startUnixNs = startUnixNs ?? (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
    }

    /// <summary>Simulated seconds per wall-clock second.</summary>
    public double Speed { get; }

    /// <summary>Simulated seconds since the start.</summary>
    public double ElapsedS => _watch.Elapsed.TotalSeconds * Speed;

    /// <summary>Simulated time now, ns since the Unix epoch.</summary>
    public long NowUnixNs => _startUnixNs + (long)(ElapsedS * 1e9);
}
