using System.Globalization;

namespace Twin.Drivers.Triggers;

/// <summary>One rule of a <see cref="PatternSchedule"/>.</summary>
public abstract record ScheduleRule;

/// <summary>
/// Acquire each time the cathode lithium content crosses a point of the grid k·<paramref name="Spacing"/> (k integer),
/// restricted to points at or below <paramref name="Below"/> when given. The grid is anchored at multiples of the
/// spacing, so points are exact and do not drift with the acquisition history.
/// </summary>
/// <param name="Spacing">Grid spacing in c_Li, in [1e-4, 1].</param>
/// <param name="Below">Upper bound (inclusive) of the region the rule covers, or null for everywhere.</param>
public sealed record LithiumGridRule(double Spacing, double? Below) : ScheduleRule
{
    /// <summary>The text form, e.g. <c>every 0.005 c_Li below 0.45</c>.</summary>
    /// <returns>Text accepted by <see cref="PatternSchedule.Parse"/>.</returns>
    public override string ToString() =>
        $"every {Spacing.ToString("R", CultureInfo.InvariantCulture)} c_Li"
        + (Below is { } b ? $" below {b.ToString("R", CultureInfo.InvariantCulture)}" : "");
}

/// <summary>Acquire when <paramref name="Interval"/> has passed since the last acquisition (or since the first sample).</summary>
/// <param name="Interval">The interval (&gt; 0).</param>
public sealed record TimeIntervalRule(TimeSpan Interval) : ScheduleRule
{
    /// <summary>The text form, e.g. <c>every 600 s</c>.</summary>
    /// <returns>Text accepted by <see cref="PatternSchedule.Parse"/>.</returns>
    public override string ToString() => $"every {Interval.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)} s";
}

/// <summary>Why the schedule asks for an acquisition.</summary>
public enum ScheduleReason
{
    /// <summary>No acquisition due.</summary>
    None,
    /// <summary>c_Li crossed a grid point of a <see cref="LithiumGridRule"/>.</summary>
    LithiumGrid,
    /// <summary>The interval of a <see cref="TimeIntervalRule"/> has passed.</summary>
    Time,
}

/// <summary>The schedule's answer for one sample.</summary>
/// <param name="Acquire">Whether to acquire now.</param>
/// <param name="Reason">Why (or <see cref="ScheduleReason.None"/>).</param>
/// <param name="GridPointCLi">The grid point crossed for <see cref="ScheduleReason.LithiumGrid"/>, else null.</param>
public readonly record struct ScheduleDecision(bool Acquire, ScheduleReason Reason, double? GridPointCLi)
{
    /// <summary>Nothing due.</summary>
    public static ScheduleDecision None => new(false, ScheduleReason.None, null);
}
