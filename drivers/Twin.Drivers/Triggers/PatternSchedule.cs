namespace Twin.Drivers.Triggers;

/// <summary>
/// Decides when to take a diffraction pattern during an operando experiment: on a lithium-content grid (a base spacing
/// plus finer spacings below thresholds, e.g. every 0.02 and every 0.005 below c_Li = 0.45, where anisotropic strain
/// sets in and below 0.40 the layered oxide's c-axis collapses, docs/model.md §2 and §4) and/or on a time interval.
/// </summary>
/// <remarks>
/// <para>Grid: the union over the <see cref="LithiumGridRule"/>s of the points k·spacing (at or below the rule's
/// threshold). A grid point triggers when c_Li reaches or crosses it, during charge (falling c_Li) and discharge
/// (rising c_Li) alike. When one sample jumps over several points, one acquisition is asked for, at the point nearest
/// the new value. The point of the last acquisition never triggers again until another point has been acquired, so
/// c_Li jittering around a point does not acquire twice.</para>
/// <para>Usage: call <see cref="Evaluate"/> (or <see cref="ShouldAcquire"/>) for every twin sample; after acquiring call
/// <see cref="MarkAcquired"/>. A crossing stays due until marked. Thread-safe.</para>
/// </remarks>
public sealed class PatternSchedule
{
    private const double Eps = 1e-9;
    private readonly Lock _gate = new();
    private readonly LithiumGridRule[] _grid;
    private readonly TimeSpan? _interval;
    private double _prevCLi = double.NaN;
    private double? _lastGrid;
    private double? _pendingGrid;
    private double? _timeRefS;

    /// <summary>Creates a schedule.</summary>
    /// <param name="rules">At least one rule.</param>
    /// <exception cref="ArgumentException">No rules, or a rule out of range (spacing outside [1e-4, 1], threshold not in (0, 2], interval not positive).</exception>
    public PatternSchedule(IEnumerable<ScheduleRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules.ToArray();
        if (Rules.Count == 0) throw new ArgumentException("a pattern schedule needs at least one rule", nameof(rules));
        foreach (var r in Rules)
        {
            switch (r)
            {
                case LithiumGridRule g when !(g.Spacing >= 1e-4 && g.Spacing <= 1):
                    throw new ArgumentException($"c_Li spacing {g.Spacing} is outside [0.0001, 1]", nameof(rules));
                case LithiumGridRule g when g.Below is { } b && !(b > 0 && b <= 2):
                    throw new ArgumentException($"c_Li threshold {b} is outside (0, 2]", nameof(rules));
                case TimeIntervalRule t when t.Interval <= TimeSpan.Zero:
                    throw new ArgumentException($"time interval {t.Interval} is not positive", nameof(rules));
                case null:
                    throw new ArgumentException("null rule", nameof(rules));
            }
        }
        _grid = Rules.OfType<LithiumGridRule>().ToArray();
        var times = Rules.OfType<TimeIntervalRule>().Select(t => t.Interval).ToArray();
        _interval = times.Length > 0 ? times.Min() : null;
    }

    /// <summary>The rules, in the given order.</summary>
    public IReadOnlyList<ScheduleRule> Rules { get; }

    /// <summary>
    /// Parses the text form: rules separated by ';', ',' or new lines, each
    /// <c>every &lt;x&gt; c_Li [below &lt;c&gt;]</c> (also <c>every Δc_Li &lt;x&gt; …</c>; the unit may be left out when
    /// <c>below</c> follows) or <c>every &lt;n&gt; &lt;s|min|h&gt;</c> (also sec, second(s), minute(s), hour(s)).
    /// Example: <c>every 0.02 c_Li; every 0.005 c_Li below 0.45; every 10 minutes</c>.
    /// </summary>
    /// <param name="text">The schedule.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="FormatException">The text is malformed; the message gives the column, what was expected and points at it.</exception>
    public static PatternSchedule Parse(string text) => new(PatternScheduleParser.Parse(text));

    /// <summary>The finest grid spacing that applies at a lithium content, or null when no lithium rule covers it.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>Spacing in c_Li.</returns>
    public double? SpacingAt(double cLi)
    {
        double? best = null;
        foreach (var g in _grid)
            if ((g.Below is null || cLi <= g.Below.Value + Eps) && (best is null || g.Spacing < best)) best = g.Spacing;
        return best;
    }

    /// <summary>Feeds one sample and says whether an acquisition is due.</summary>
    /// <param name="cLi">Cathode lithium content now (NaN = unknown: only time rules apply).</param>
    /// <param name="timeS">Time of the sample, s (any origin, non-decreasing).</param>
    /// <returns>The decision; stays "acquire" until <see cref="MarkAcquired"/>.</returns>
    public ScheduleDecision Evaluate(double cLi, double timeS)
    {
        lock (_gate)
        {
            _timeRefS ??= timeS;
            if (double.IsFinite(cLi))
            {
                if (double.IsFinite(_prevCLi) && cLi != _prevCLi && LastCrossed(_prevCLi, cLi) is { } g) _pendingGrid = g;
                _prevCLi = cLi;
            }
            if (_pendingGrid is { } p) return new ScheduleDecision(true, ScheduleReason.LithiumGrid, p);
            if (_interval is { } iv && timeS - _timeRefS.Value >= iv.TotalSeconds - Eps)
                return new ScheduleDecision(true, ScheduleReason.Time, null);
            return ScheduleDecision.None;
        }
    }

    /// <summary>Feeds one sample; true when an acquisition is due (see <see cref="Evaluate"/>).</summary>
    /// <param name="cLi">Cathode lithium content now.</param>
    /// <param name="timeS">Time of the sample, s.</param>
    /// <returns>Whether to acquire now.</returns>
    public bool ShouldAcquire(double cLi, double timeS) => Evaluate(cLi, timeS).Acquire;

    /// <summary>Records that a pattern was taken: clears the due crossing and restarts the time interval.</summary>
    /// <param name="cLi">Lithium content at the acquisition (NaN when unknown).</param>
    /// <param name="timeS">Time of the acquisition, s (same origin as <see cref="Evaluate"/>).</param>
    public void MarkAcquired(double cLi, double timeS)
    {
        lock (_gate)
        {
            if (_pendingGrid is { } p) _lastGrid = p;
            else if (double.IsFinite(cLi) && NearestGridPoint(cLi) is { } g && Math.Abs(g - cLi) < Eps) _lastGrid = g;
            _pendingGrid = null;
            _timeRefS = timeS;
            if (double.IsFinite(cLi) && !double.IsFinite(_prevCLi)) _prevCLi = cLi;
        }
    }

    /// <summary>Forgets all history (new experiment).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _prevCLi = double.NaN;
            _lastGrid = _pendingGrid = null;
            _timeRefS = null;
        }
    }

    /// <summary>The text form, accepted by <see cref="Parse"/>.</summary>
    /// <returns>Rules joined by "; ".</returns>
    public override string ToString() => string.Join("; ", Rules);

    /// <summary>The grid point crossed between <paramref name="from"/> and <paramref name="to"/> nearest to <paramref name="to"/>, other than the last acquired one.</summary>
    private double? LastCrossed(double from, double to)
    {
        bool down = to < from;
        double? best = null;
        foreach (var rule in _grid)
        {
            double s = rule.Spacing;
            double lo = Math.Min(from, to), hi = Math.Max(from, to);
            long k0 = (long)Math.Floor((lo - Eps) / s), k1 = (long)Math.Ceiling((hi + Eps) / s);
            if (k1 - k0 > 1_000_000) k0 = k1 - 1_000_000; // absurd jumps: only the points near the new value matter
            for (long k = k0; k <= k1; k++)
            {
                double g = k * s;
                bool crossed = down ? g >= to - Eps && g < from - Eps : g > from + Eps && g <= to + Eps;
                if (!crossed) continue;
                if (rule.Below is { } b && g > b + Eps) continue;
                if (_lastGrid is { } last && Math.Abs(g - last) < Eps) continue;
                if (best is null || Math.Abs(g - to) < Math.Abs(best.Value - to)) best = g;
            }
        }
        return best;
    }

    private double? NearestGridPoint(double cLi)
    {
        double? best = null;
        foreach (var rule in _grid)
        {
            double g = Math.Round(cLi / rule.Spacing) * rule.Spacing;
            if (rule.Below is { } b && g > b + Eps) continue;
            if (best is null || Math.Abs(g - cLi) < Math.Abs(best.Value - cLi)) best = g;
        }
        return best;
    }
}
