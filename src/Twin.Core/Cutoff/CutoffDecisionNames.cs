namespace Twin.Core.Cutoff;

/// <summary>Names of <see cref="CutoffDecision"/> as written to payloads and the database.</summary>
public static class CutoffDecisionNames
{
    /// <summary>"continue", "stop_lithium" or "stop_voltage".</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>Its name.</returns>
    public static string Name(this CutoffDecision decision) => decision switch
    {
        CutoffDecision.StopLithium => "stop_lithium",
        CutoffDecision.StopVoltage => "stop_voltage",
        _ => "continue",
    };
}
