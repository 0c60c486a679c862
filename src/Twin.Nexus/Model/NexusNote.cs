using System.Globalization;
using Twin.Core.Safety;

namespace Twin.Nexus.Model;

/// <summary>One line of a cell's event or alarm log.</summary>
/// <param name="TimeUnixNs">When, ns since the Unix epoch.</param>
/// <param name="Kind">What kind ("step_start", "pattern", "zone", "session", …).</param>
/// <param name="Text">The message.</param>
public sealed record NexusNote(long TimeUnixNs, string Kind, string Text)
{
    /// <summary>The alarm of a zone transition, worded the same by the service and by replay.</summary>
    /// <param name="timeUnixNs">When, ns since the Unix epoch.</param>
    /// <param name="from">The zone left.</param>
    /// <param name="to">The zone entered.</param>
    /// <param name="cLi">c_Li at the transition.</param>
    /// <param name="voltageV">Cell voltage, V.</param>
    /// <param name="step">The cycler's step.</param>
    /// <returns>A note of kind "zone": "caution → critical at c_Li = 0.3999, 4.200 V, step 5".</returns>
    public static NexusNote ZoneTransition(long timeUnixNs, Zone from, Zone to, double cLi, double voltageV, int step) =>
        new(timeUnixNs, "zone", string.Create(CultureInfo.InvariantCulture, $"{from.Name()} → {to.Name()} at c_Li = {cLi:0.0000}, {voltageV:0.000} V, step {step}"));
}
