namespace Twin.Drivers.Protocol;

/// <summary>A step in execution order, as produced by <see cref="CyclingProtocol.Flatten"/>.</summary>
/// <param name="Number">1-based running step number over the whole unrolled protocol.</param>
/// <param name="Step">The step.</param>
/// <param name="Cycle">1-based iteration of the outermost loop containing the step; 0 for a step outside any loop.</param>
public sealed record ScheduledStep(int Number, ProtocolStep Step, int Cycle);
