namespace Twin.Drivers.Protocol;

/// <summary>A node of a parsed protocol: a step or a loop.</summary>
/// <param name="Line">1-based line of the node in the protocol text.</param>
public abstract record ProtocolNode(int Line);

/// <summary>One step of a cycling protocol, e.g. <c>Charge at C/5 until 4.2 V (10 second period)</c>.</summary>
/// <param name="Line">1-based line in the protocol text.</param>
/// <param name="Text">The step text as written (trimmed, comment removed).</param>
/// <param name="Action">Rest, Charge, Discharge or Hold.</param>
/// <param name="Setpoint">What is sourced; null for <see cref="ProtocolAction.Rest"/>.</param>
/// <param name="Until">Terminations in the order written (at least one); the first reached ends the step.</param>
/// <param name="SamplePeriodS">Requested sampling period, s, or null for the engine's default.</param>
public sealed record ProtocolStep(int Line, string Text, ProtocolAction Action, StepSetpoint? Setpoint, IReadOnlyList<StepLimit> Until, double? SamplePeriodS)
    : ProtocolNode(Line);

/// <summary>A block of nodes executed <paramref name="Count"/> times (<c>Repeat 3 times:</c>).</summary>
/// <param name="Line">1-based line of the loop header.</param>
/// <param name="Count">Iterations, ≥ 1.</param>
/// <param name="Body">Nodes of the block (at least one).</param>
public sealed record ProtocolLoop(int Line, int Count, IReadOnlyList<ProtocolNode> Body) : ProtocolNode(Line);
