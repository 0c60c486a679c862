namespace Twin.FirmwareSim.Firmata;

/// <summary>One change of a simulated digital output.</summary>
/// <param name="Pin">Pin number.</param>
/// <param name="High">The new level.</param>
/// <param name="SimTimeUnixNs">Simulated time of the change, ns since the Unix epoch (the simulator's clock).</param>
/// <param name="Sequence">Running number of the edge across all pins (0, 1, 2 …).</param>
public readonly record struct DigitalEdge(int Pin, bool High, long SimTimeUnixNs, long Sequence);
