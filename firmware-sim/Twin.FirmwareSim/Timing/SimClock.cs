namespace Twin.FirmwareSim.Timing;

/// <summary>
/// The simulator's clock: starts at the time of construction and runs <see cref="Speed"/> times faster than the
/// <see cref="TimeProvider"/> it derives from, so a two-cycle experiment fits into minutes. Instruments report time
/// from this clock. Given a test's manual clock, simulated time moves only when the test steps it.
/// </summary>
public sealed class SimClock
{
    private readonly long _startUnixNs;
    private readonly long _startTimestamp;

    /// <summary>Creates a clock.</summary>
    /// <param name="speed">Simulated seconds per second of <paramref name="time"/> (≥ 1; 1 = real time).</param>
    /// <param name="startUnixNs">Simulated start time, ns since the Unix epoch (default: now by <paramref name="time"/>).</param>
    /// <param name="time">The clock it derives from (default: system).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="speed"/> is below 1 or not finite.</exception>
    public SimClock(double speed = 1, long? startUnixNs = null, TimeProvider? time = null)
    {
        if (!(speed >= 1) || !double.IsFinite(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be a finite number ≥ 1");
        Speed = speed;
        Time = time ?? TimeProvider.System;
        _startTimestamp = Time.GetTimestamp();
        _startUnixNs = startUnixNs ?? (Time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }

    /// <summary>Simulated seconds per second of <see cref="Time"/>.</summary>
    public double Speed { get; }

    /// <summary>The clock this one derives from (what simulated instruments wait on).</summary>
    public TimeProvider Time { get; }

    /// <summary>Simulated seconds since the start.</summary>
    public double ElapsedS => Time.GetElapsedTime(_startTimestamp).TotalSeconds * Speed;

    /// <summary>Simulated time now, ns since the Unix epoch.</summary>
    public long NowUnixNs => _startUnixNs + (long)(ElapsedS * 1e9);
}
