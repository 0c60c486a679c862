namespace Twin.Drivers.Protocol;

/// <summary>One termination condition of a step; a step ends when the first of its limits is reached.</summary>
/// <param name="Kind">The quantity watched.</param>
/// <param name="Value">Always positive and finite, in the unit of <paramref name="Kind"/>: V for
/// <see cref="LimitKind.Voltage"/>; A (magnitude) for <see cref="LimitKind.Current"/>; 1/h (magnitude, 0.005 for
/// C/200) for <see cref="LimitKind.CRate"/>; s for <see cref="LimitKind.Duration"/>; c_Li in (0, 1] for
/// <see cref="LimitKind.LithiumContent"/>.</param>
public sealed record StepLimit(LimitKind Kind, double Value);
