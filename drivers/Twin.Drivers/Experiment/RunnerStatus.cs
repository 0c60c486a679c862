using Twin.Drivers.Instruments;

namespace Twin.Drivers.Experiment;

/// <summary>Snapshot of what the runner is doing.</summary>
/// <param name="Step">Running step number (0 before the first).</param>
/// <param name="Cycle">Cycle of the step.</param>
/// <param name="StepText">The step as written in the protocol.</param>
/// <param name="SafeCutoffActive">Whether the watchdog fallback is active in this step.</param>
/// <param name="LastReading">The latest reading, if any.</param>
/// <param name="Samples">Samples taken so far.</param>
public sealed record RunnerStatus(int Step, int Cycle, string StepText, bool SafeCutoffActive, SmuReading? LastReading, long Samples);
