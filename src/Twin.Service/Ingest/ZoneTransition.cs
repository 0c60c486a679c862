using Twin.Core.Safety;
using Twin.Messaging.Contracts;

namespace Twin.Service.Ingest;

/// <summary>A zone transition of a cell, typed (its wire form is <see cref="ZoneTransitionPayload"/>).</summary>
/// <param name="TimeUnixNs">Sample time, ns since the Unix epoch.</param>
/// <param name="From">Zone left.</param>
/// <param name="To">Zone entered.</param>
/// <param name="CLi">c_Li at the transition.</param>
/// <param name="VoltageV">Voltage at the transition, V.</param>
/// <param name="Step">The source's step.</param>
public readonly record struct ZoneTransition(long TimeUnixNs, Zone From, Zone To, double CLi, double VoltageV, int Step)
{
    /// <summary>The wire form.</summary>
    /// <returns>The payload.</returns>
    public ZoneTransitionPayload ToPayload() => new() { TimeUnixNs = TimeUnixNs, From = From.Name(), To = To.Name(), CLi = CLi, VoltageV = VoltageV, Step = Step };
}
