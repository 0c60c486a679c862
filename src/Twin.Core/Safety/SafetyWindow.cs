namespace Twin.Core.Safety;

/// <summary>
/// Zone tracker with hysteresis: a deeper zone is entered as soon as c_Li falls below its limit; a zone is
/// left towards safety only when c_Li is <see cref="SafetyLimits.Hysteresis"/> above the limit, so a noisy
/// signal cannot flap.
/// </summary>
public sealed class SafetyWindow
{
    private readonly SafetyLimits _limits;
    private bool _started;

    /// <summary>Creates a window.</summary>
    /// <param name="limits">The limits; validated.</param>
    /// <exception cref="ArgumentException">When the limits are invalid.</exception>
    public SafetyWindow(SafetyLimits limits)
    {
        limits.Validate();
        _limits = limits;
    }

    /// <summary>Resumes a window in a known zone (after a restart).</summary>
    /// <param name="limits">The limits; validated.</param>
    /// <param name="zone">The zone the cell was in.</param>
    /// <exception cref="ArgumentException">When the limits are invalid.</exception>
    public SafetyWindow(SafetyLimits limits, Zone zone) : this(limits)
    {
        Zone = zone;
        _started = true;
    }

    /// <summary>The current zone.</summary>
    public Zone Zone { get; private set; }

    /// <summary>The limits in force.</summary>
    public SafetyLimits Limits => _limits;

    /// <summary>Feeds one c_Li value (the twin feeds the lower confidence bound c_Li − k·σ).</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>True when the zone changed (the first value never counts as a change).</returns>
    public bool Update(double cLi)
    {
        var raw = _limits.Classify(cLi);
        if (!_started)
        {
            _started = true;
            Zone = raw;
            return false;
        }
        Zone next;
        if (raw >= Zone) next = raw;
        else
        {
            var conservative = _limits.Classify(cLi - _limits.Hysteresis);
            next = conservative < Zone ? conservative : Zone;
        }
        if (next == Zone) return false;
        Zone = next;
        return true;
    }
}
