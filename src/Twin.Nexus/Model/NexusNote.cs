namespace Twin.Nexus.Model;

/// <summary>One line of a cell's event or alarm log.</summary>
/// <param name="TimeUnixNs">When, ns since the Unix epoch.</param>
/// <param name="Kind">What kind ("step_start", "pattern", "zone", "session", …).</param>
/// <param name="Text">The message.</param>
public sealed record NexusNote(long TimeUnixNs, string Kind, string Text);
