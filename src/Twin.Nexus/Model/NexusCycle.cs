using Twin.Core.Safety;

namespace Twin.Nexus.Model;

/// <summary>One row of a cell's cycle table.</summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="StartTimeS">Start, s since the start of the test (NaN before any sample).</param>
/// <param name="EndTimeS">End, s since the start of the test.</param>
/// <param name="MinCLi">Lowest c_Li of the cycle.</param>
/// <param name="ChargedAh">Charge put in, A·h.</param>
/// <param name="DischargedAh">Charge taken out, A·h.</param>
/// <param name="TimeBelowCriticalS">Time below the critical limit, s.</param>
/// <param name="WorstZone">Most severe zone reached.</param>
public sealed record NexusCycle(int Cycle, double StartTimeS, double EndTimeS, double MinCLi, double ChargedAh, double DischargedAh,
    double TimeBelowCriticalS, Zone WorstZone)
{
    /// <summary>The row of a cycle's metrics.</summary>
    /// <param name="m">The metrics.</param>
    /// <returns>The row (an infinite minimum, before any sample, as NaN).</returns>
    public static NexusCycle From(CycleMetrics m) => new(m.Cycle, m.StartTimeS, m.EndTimeS, double.IsFinite(m.MinCLi) ? m.MinCLi : double.NaN,
        m.ChargedAh, m.DischargedAh, m.TimeBelowCriticalS, m.WorstZone);
}
